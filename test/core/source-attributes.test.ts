import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ModelManifestSchema } from '../../core/registry/manifest-schema.ts'
import {
  missingSourceAttributes,
  SOURCE_ATTRIBUTE_GROUPS,
  SOURCE_ATTRIBUTES,
  SourceAttributesDraftSchema,
  SourceAttributesSchema,
} from '../../core/registry/source-attributes.ts'
import { AI_MODEL_CARD_PROFILE, sourceAttributesToFhir } from '../../core/registry/source-attributes-fhir.ts'
import { sourceAttributesReport } from '../../core/registry/source-attributes-report.ts'
import { completeSourceAttributes } from '../../testkit/source-attributes.ts'

const RULE = '45 CFR 170.315(b)(11)(iv)(B)'
const manifest = (sourceAttributes?: unknown) => ({
  name: 'toy',
  version: '1.0.0',
  kind: 'toy',
  inputs: [],
  outputs: [{ name: 'p', type: 'probability' }],
  sourceAttributes,
})
const withValue = (key: string, value: unknown) => {
  const [group, name] = key.split('.') as [string, string]
  const attributes = completeSourceAttributes() as unknown as Record<string, Record<string, unknown>>
  attributes[group]![name] = value
  return attributes
}
const decode = (data: string) => new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))

describe('the HTI-1 source attributes schema (45 CFR 170.315(b)(11)(iv)(B))', () => {
  it("lists the rule's 31 attributes in its nine groups, (1)(i) to (9)(ii), in order", () => {
    expect(SOURCE_ATTRIBUTES).toHaveLength(31)
    expect(Object.values(SOURCE_ATTRIBUTE_GROUPS).map((g) => [g.paragraph, Object.keys(g.attributes).length])).toEqual([
      ['(1)', 4],
      ['(2)', 4],
      ['(3)', 2],
      ['(4)', 4],
      ['(5)', 2],
      ['(6)', 4],
      ['(7)', 5],
      ['(8)', 4],
      ['(9)', 2],
    ])
    const roman = ['i', 'ii', 'iii', 'iv', 'v']
    const expected = Object.values(SOURCE_ATTRIBUTE_GROUPS).flatMap((g, n) => Object.keys(g.attributes).map((_, i) => `${RULE}(${n + 1})(${roman[i]})`))
    expect(SOURCE_ATTRIBUTES.map((a) => a.paragraph)).toEqual(expected)
    expect(new Set(SOURCE_ATTRIBUTES.map((a) => a.key)).size).toBe(31)
    // The schema and the list are the same 31 keys: every one required in the complete schema.
    const shape = SourceAttributesSchema.shape as Record<string, { shape: Record<string, unknown> }>
    expect(Object.entries(shape).flatMap(([g, s]) => Object.keys(s.shape).map((a) => `${g}.${a}`))).toEqual(SOURCE_ATTRIBUTES.map((a) => a.key))
    expect(SOURCE_ATTRIBUTES.find((a) => a.key === 'purpose.intendedUse')!.title).toBe('Intended use of the intervention')
  })

  it('offers "not available" exactly where § 170.315(b)(11)(v)(A)(2) allows it: (6)(i)–(iv), (7)(iii)–(v), (8)(i)–(iv)', () => {
    expect(SOURCE_ATTRIBUTES.filter((a) => a.notAvailable).map((a) => a.paragraph.slice(RULE.length))).toEqual([
      '(6)(i)',
      '(6)(ii)',
      '(6)(iii)',
      '(6)(iv)',
      '(7)(iii)',
      '(7)(iv)',
      '(7)(v)',
      '(8)(i)',
      '(8)(ii)',
      '(8)(iii)',
      '(8)(iv)',
    ])
  })

  it("are all listed in docs/models.md, each with its paragraph and the rule's title", () => {
    const doc = readFileSync(new URL('../../docs/models.md', import.meta.url), 'utf8')
    for (const a of SOURCE_ATTRIBUTES) expect(doc, a.key).toContain(`| ${a.paragraph.slice(RULE.length)} | \`${a.key}\` | ${a.title} |`)
  })

  it('accepts a complete set, and a partial draft at registration; refuses blanks, typos and ill-formed values', () => {
    expect(SourceAttributesSchema.safeParse(completeSourceAttributes()).success).toBe(true)
    expect(SourceAttributesSchema.safeParse({ ...completeSourceAttributes(), updates: undefined }).success).toBe(false)
    expect(SourceAttributesDraftSchema.safeParse({ purpose: { intendedUse: 'Tests.' } }).success).toBe(true)
    expect(ModelManifestSchema.safeParse(manifest({ purpose: { intendedUse: 'Tests.' } })).success).toBe(true)
    expect(ModelManifestSchema.safeParse(manifest()).success).toBe(true)
    for (const bad of [
      { purpose: { intendedUse: '  ' } },
      { purpose: { intendedUSe: 'x' } },
      { purpse: {} },
      { details: { outputType: { type: 'guess', description: 'x' } } },
    ]) {
      expect(ModelManifestSchema.safeParse(manifest(bad)).success, JSON.stringify(bad)).toBe(false)
    }
  })
})

describe('missingSourceAttributes', () => {
  it('names all 31 when there are none, and none when all are there', () => {
    expect(missingSourceAttributes(manifest())).toEqual(SOURCE_ATTRIBUTES.map((a) => a.key))
    expect(missingSourceAttributes({ sourceAttributes: 'garbage' })).toHaveLength(31)
    expect(missingSourceAttributes(manifest(completeSourceAttributes()))).toEqual([])
  })

  it('names a blank, an absent, an ill-formed or a disallowed "not available" attribute, in the rule order', () => {
    const na = { status: 'not-available', reason: 'No study.' }
    expect(missingSourceAttributes(manifest(withValue('details.fundingSource', ' \n')))).toEqual(['details.fundingSource'])
    expect(missingSourceAttributes(manifest(withValue('updates.correctionFrequency', undefined)))).toEqual(['updates.correctionFrequency'])
    // (7)(ii) is not among the attributes the rule lets a developer leave "not available".
    expect(missingSourceAttributes(manifest(withValue('performance.internalFairness', na)))).toEqual(['performance.internalFairness'])
    expect(missingSourceAttributes(manifest(withValue('performance.outcomeEvaluations', na)))).toEqual([])
    expect(missingSourceAttributes(manifest(withValue('performance.outcomeEvaluations', { status: 'not-available', reason: '' })))).toEqual([
      'performance.outcomeEvaluations',
    ])
    const uses = completeSourceAttributes().development.demographicInputFeatures
    expect(missingSourceAttributes(manifest(withValue('development.demographicInputFeatures', { ...uses, race: { used: true } })))).toEqual([
      'development.demographicInputFeatures',
    ])
    const { language: _, ...eight } = uses
    const both = { ...withValue('development.demographicInputFeatures', eight), details: { ...completeSourceAttributes().details, developer: { name: 'x' } } }
    expect(missingSourceAttributes(manifest(both))).toEqual(['details.developer', 'development.demographicInputFeatures'])
  })
})

describe('the report and the FHIR representation', () => {
  it('groups every attribute with its status; a missing one carries no value', () => {
    const report = sourceAttributesReport(manifest(withValue('purpose.intendedUsers', '')))
    expect(report).toMatchObject({ model: { name: 'toy', version: '1.0.0' }, rule: RULE, complete: false, missing: ['purpose.intendedUsers'] })
    expect(report.counts).toEqual({ provided: 19, notAvailable: 11, missing: 1 })
    expect(report.groups.map((g) => g.title)).toEqual(Object.values(SOURCE_ATTRIBUTE_GROUPS).map((g) => g.title))
    const users = report.groups[1]!.attributes[2]!
    expect(users).toEqual({ key: 'purpose.intendedUsers', paragraph: `${RULE}(2)(iii)`, title: 'Intended user(s)', status: 'missing' })
    expect(report.groups[5]!.attributes[0]).toMatchObject({ status: 'not-available', value: { reason: 'Not externally validated.' } })
  })

  it('is a FHIR R4 DocumentReference in the AI Model-Card shape, carrying the attributes as JSON and Markdown', () => {
    const attributes = withValue('details.outputValue', 'Risk <b>&</b> "more"')
    const doc = sourceAttributesToFhir(manifest(attributes), { date: '2026-12-07T05:00:00.000Z' })
    expect(doc).toMatchObject({
      resourceType: 'DocumentReference',
      id: 'toy-1.0.0-source-attributes',
      meta: { profile: [AI_MODEL_CARD_PROFILE] },
      status: 'current',
      docStatus: 'final',
      date: '2026-12-07T05:00:00.000Z',
      identifier: [{ system: 'urn:nexora:model', value: 'toy@1.0.0' }],
      type: { coding: [{ system: 'http://hl7.org/fhir/uv/aitransparency/CodeSystem/AImodelCardCS', code: 'AIModelCard' }] },
    })
    expect(doc.id).toMatch(/^[A-Za-z0-9.-]{1,64}$/)
    expect(doc.content.map((c) => c.attachment.contentType)).toEqual(['application/json', 'text/markdown'])
    expect(JSON.parse(decode(doc.content[0]!.attachment.data))).toEqual(sourceAttributesReport(manifest(attributes)))
    const markdown = decode(doc.content[1]!.attachment.data)
    expect(markdown).toContain('## Quantitative measures of performance')
    expect(markdown).toContain('- **Intended use of the intervention** ((2)(i)): Tests only.')
    expect(markdown).toContain('Not available: Not externally validated.')
    // The narrative is XHTML: what the developer wrote is text, never markup.
    expect(doc.text.div).toMatch(/^<div xmlns="http:\/\/www.w3.org\/1999\/xhtml">/)
    expect(doc.text.div).toContain('Risk &lt;b&gt;&amp;&lt;/b&gt; &quot;more&quot;')
    expect(doc.text.div).not.toContain('<b>&</b>')
  })

  it('says what is missing, and is preliminary, when the attributes are incomplete; drops an id FHIR cannot hold', () => {
    const doc = sourceAttributesToFhir({ ...manifest(withValue('fairness.approach', undefined)), name: 'x'.repeat(70) })
    expect(doc.docStatus).toBe('preliminary')
    expect('id' in doc).toBe(false)
    expect(doc.description).toContain('19 of 31 provided, 11 not available, 1 missing')
    expect(decode(doc.content[1]!.attachment.data)).toMatch(/ensure that the intervention's output is fair\*\* \(\(5\)\(i\)\): Missing/)
  })
})
