import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { deidentifyResource, REDACTED_LABEL } from '../../plugins/deid/index.ts'
import { detectPhiInResource, isStructuralString } from '../../plugins/phi/index.ts'
import { KEY } from '../../testkit/deid-fixture.ts'

type Obj = Record<string, unknown>
interface Leaf {
  path: string
  key: string
  value: string
  parent: Obj
}

/** Every string in a JSON value, with its path (array indices left out, so paths survive dropped items). */
function leaves(node: unknown, path = '', key = '', parent: Obj = {}, out: Leaf[] = []): Leaf[] {
  if (Array.isArray(node)) for (const v of node) leaves(v, path, key, parent, out)
  else if (typeof node === 'string') out.push({ path, key, value: node, parent })
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) leaves(v, `${path}.${k}`, k, node as Obj, out)
  return out
}

// What Safe Harbor lets through without a look: structure (codes, URIs, ids), states and
// countries, years, and local references to contained resources (`#p1`).
const mayPassUnread = (l: Leaf) =>
  isStructuralString(l.key, l.parent) ||
  /\.address\.(state|country)$/.test(l.path) ||
  (l.key === 'reference' && l.value.startsWith('#')) ||
  /^\d{4}$/.test(l.value)
// Dates are shifted wherever they sit (tested in fhir.test.ts), and a shifted date, like the
// surrogate of a one- or two-character id, can equal another value at the same path by chance.
const comparable = (l: Leaf) => !mayPassUnread(l) && l.value.length > 2 && !/^\d{4}-\d{2}/.test(l.value)

describe('FHIR de-identification reads every string (all HL7 R4 examples)', () => {
  it('each string that is not structure is either rewritten, dropped, or read by the detector', async () => {
    const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'))
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'package.json' && !f.startsWith('.'))
    expect(files.length).toBeGreaterThan(2000)
    const unread: string[] = []
    let strings = 0
    for (const file of files) {
      const input = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Obj
      if (typeof input.resourceType !== 'string') continue
      const read = new Set<string>()
      const { resource } = await deidentifyResource(input as never, {
        key: KEY,
        detect: (text) => {
          read.add(text)
          return []
        },
      })
      expect((resource as { meta: { security: unknown[] } }).meta.security, file).toContainEqual(REDACTED_LABEL)
      const given = new Set(
        leaves(input)
          .filter(comparable)
          .map((l) => `${l.path}=${l.value}`),
      )
      strings += given.size
      for (const l of leaves(resource)) {
        if (given.has(`${l.path}=${l.value}`) && !read.has(l.value)) unread.push(`${file} ${l.path}`)
      }
    }
    expect(strings).toBeGreaterThan(100_000)
    expect(unread.slice(0, 20)).toEqual([])
  }, 300_000)

  // The kinds that leaked before: name extensions, identifier type text and identifier extensions.
  const patient = {
    resourceType: 'Patient',
    id: 'p1',
    name: [
      {
        family: 'van der Berg',
        given: ['Anneke'],
        _family: {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-name', valueString: 'Berg' },
            { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix', valueString: 'van der' },
          ],
        },
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/humanname-partner-name', valueString: 'Okonkwo' }],
      },
    ],
    identifier: [
      {
        type: { text: 'Passport issued to Anneke van der Berg' },
        system: 'urn:oid:2.16.528.1.1007.3.3',
        value: 'NX4471203',
        extension: [{ url: 'http://example.org/fhir/StructureDefinition/identifier-holder', valueString: 'Mrs. Anneke Okonkwo' }],
      },
    ],
  }

  it('replaces names in name extensions and finds them, and names in identifier type text and extensions', async () => {
    const { resource } = await deidentifyResource(patient as never, { key: KEY })
    const json = JSON.stringify(resource)
    for (const s of ['Berg', 'Anneke', 'Okonkwo', 'NX4471203']) expect(json, s).not.toContain(s)
    expect(json).toContain('humanname-own-name') // the structure stays
    const found = detectPhiInResource(patient).map((f) => `${f.path}:${f.type}`)
    expect(found).toEqual(
      expect.arrayContaining([
        'Patient.name[0]:NAME',
        'Patient.identifier[0]:ID',
        'Patient.identifier[0].type.text:NAME',
        'Patient.identifier[0].extension[0].valueString:NAME',
      ]),
    )
  })
})
