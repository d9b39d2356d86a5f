import { describe, expect, it } from 'vitest'
import type { FhirResource } from '../../core/index.ts'
import { deidentifyBundle, deidentifyResource, deidentifyText, deidExportStage, REDACTED_LABEL } from '../../plugins/deid/index.ts'
import { parseResource } from '../../plugins/fhir/parse.ts'
import { detectPhi, detectPhiInResource } from '../../plugins/phi/index.ts'
import { bundle, KEY, NOTE, OTHER_KEY, patient } from '../../testkit/deid-fixture.ts'

type Obj = Record<string, any>
const entries = (b: Obj) => (b.entry as Obj[]).map((e) => e.resource as Obj)
const NOW = new Date('2025-01-01T00:00:00Z')

describe('Safe Harbor profile: Patient', () => {
  it('removes or transforms every identifier element and stays valid FHIR', async () => {
    const { resource: p, counts } = (await deidentifyResource(patient(), { key: KEY, now: NOW })) as { resource: Obj; counts: Obj }
    expect(() => parseResource(p)).not.toThrow()
    expect(p.id).toMatch(/^[0-9a-f]{20}$/)
    expect(p.text).toBeUndefined()
    expect(p.telecom).toBeUndefined()
    expect(p.photo).toBeUndefined()
    expect(p.contact).toBeUndefined()
    expect(p.address).toEqual([{ use: 'home', state: 'MA', country: 'US', postalCode: '011' }])
    expect(p.identifier[0].value).toMatch(/^\d{8}$/)
    expect(p.identifier[0].value).not.toBe('48213377')
    expect(p.identifier[1].value).toMatch(/^9\d{2}-\d{2}-\d{4}$/)
    expect(p.name[0].prefix).toEqual(['Mr.'])
    expect(p.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(p.birthDate).not.toBe('1961-07-14')
    expect(p.meta.source).toBeUndefined()
    expect(p.meta.security).toContainEqual(REDACTED_LABEL)
    expect(p.generalPractitioner[0]).toEqual({ reference: expect.stringMatching(/^Practitioner\/[0-9a-f]{20}$/) })
    expect(counts).toMatchObject({ NAME: 1, PHONE: 1, EMAIL: 1, ADDRESS: 1, MRN: 1, SSN: 1 })
    const json = JSON.stringify(p)
    for (const s of ['John', 'Smith', 'Quincy', 'Mary', '48213377', '123-45-6789', '617-555', 'Orchard', 'Springfield', '01109', 'Alvarez', 'pat-1001'])
      expect(json).not.toContain(s)
  })

  it('can cut dates to the year instead of shifting them', async () => {
    const { resource: p } = (await deidentifyResource(patient(), { key: KEY, dates: 'year', now: NOW })) as { resource: Obj }
    expect(p.birthDate).toBe('1961')
    expect(p.meta.lastUpdated).toBeUndefined()
    expect(() => parseResource(p)).not.toThrow()
    const { bundle: b } = (await deidentifyBundle(bundle(), { key: KEY, dates: 'year' })) as { bundle: Obj }
    const obs = entries(b)[1]!
    expect(obs.effectiveDateTime).toBe('2024')
    expect(obs.note[0].text).toContain('admitted on 2024 and discharged on 2024')
  })

  it('collapses birth dates of people over 89 to one year', async () => {
    const old = { ...patient(), birthDate: '1930-06-01' }
    const { resource: p } = (await deidentifyResource(old, { key: KEY, now: NOW })) as { resource: Obj }
    expect(p.birthDate).toBe('1935')
  })

  it('does not modify its input', async () => {
    const input = patient()
    const copy = structuredClone(input)
    await deidentifyResource(input, { key: KEY })
    expect(input).toEqual(copy)
  })
})

describe('Safe Harbor profile: Bundle', () => {
  it('every reference still resolves to a resource in the Bundle, and all resources parse', async () => {
    const { bundle: out } = (await deidentifyBundle(bundle(), { key: KEY })) as { bundle: Obj }
    expect(() => parseResource(out)).not.toThrow()
    for (const r of entries(out)) expect(() => parseResource(r)).not.toThrow()
    const targets = new Set<string>()
    for (const e of out.entry as Obj[]) {
      if (e.fullUrl) targets.add(e.fullUrl)
      if (e.resource.id) targets.add(`${e.resource.resourceType}/${e.resource.id}`)
    }
    const refs: string[] = []
    const walk = (n: unknown): void => {
      if (Array.isArray(n)) {
        n.forEach(walk)
        return
      }
      if (n && typeof n === 'object')
        for (const [k, v] of Object.entries(n)) {
          if (k === 'reference') refs.push(v as string)
          else walk(v)
        }
    }
    walk(out.entry)
    expect(refs.length).toBe(4)
    for (const ref of refs) expect(targets.has(ref), ref).toBe(true)
    expect(out.entry[0].fullUrl).toBe(`https://ehr.example/fhir/Patient/${out.entry[0].resource.id}`)
    expect(out.entry[4].fullUrl).toMatch(/^urn:uuid:[0-9a-f-]{36}$/)
    expect(out.entry[4].fullUrl).not.toBe('urn:uuid:6f1c2a34-8d2e-4b7a-9c1d-2e3f4a5b6c7d')
    expect(out.link).toBeUndefined()
    for (const r of [out, ...entries(out)]) expect(r.meta.security).toContainEqual(REDACTED_LABEL)
  })

  it('one patient: one pseudonym and one date shift across resources and free text', async () => {
    const { bundle: out } = (await deidentifyBundle(bundle(), { key: KEY })) as { bundle: Obj }
    const [pat, obs1, obs2, , pat2, cond] = entries(out) as Obj[]
    expect(obs1!.subject.reference).toBe(`Patient/${pat!.id}`)
    expect(obs2!.subject.reference).toBe(`Patient/${pat!.id}`)
    // Two observations 10 days apart stay 10 days apart.
    expect((Date.parse(obs2!.effectiveDateTime) - Date.parse(obs1!.effectiveDateTime)) / 86_400_000).toBe(10)
    // The note names the patient as Patient.name does: the same surrogates.
    const surrogate = `${pat!.name[0].given[0]} ${pat!.name[0].family}`
    expect(obs1!.note[0].text).toContain(surrogate)
    expect(obs1!.note[0].text).toContain(pat!.identifier[0].value)
    // The note's dates use the patient's shift too: admitted the day of obs-1.
    const shifted = obs1!.effectiveDateTime.slice(0, 10) as string
    const us = `${shifted.slice(5, 7)}/${shifted.slice(8, 10)}/${shifted.slice(0, 4)}`
    expect(obs1!.note[0].text).toContain(`admitted on ${us}`)
    // The same note de-identified on its own, with the patient id, matches too.
    const alone = await deidentifyText(NOTE, { key: KEY, patientId: 'pat-1001' })
    expect(obs1!.note[0].text).toBe(alone.text)
    // The urn:uuid patient: its Condition is linked and shares its shift, which differs from pat-1001's.
    expect(cond!.subject.reference).toBe(out.entry[4].fullUrl)
    const shift = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000
    expect(shift('2024-03-04', cond!.onsetDateTime)).not.toBe(shift('2024-03-04T09:30:00Z', obs1!.effectiveDateTime))
    expect(shift('1990-02-01', pat2!.birthDate)).toBe(shift('2024-03-04', cond!.onsetDateTime))
  })

  it('is stable under one key and differs under another', async () => {
    const [a, b, c] = await Promise.all([
      deidentifyBundle(bundle(), { key: KEY }),
      deidentifyBundle(bundle(), { key: KEY }),
      deidentifyBundle(bundle(), { key: OTHER_KEY }),
    ])
    expect(a.bundle).toEqual(b.bundle)
    expect(entries(a.bundle)[0]!.id).not.toBe(entries(c.bundle)[0]!.id)
  })

  it('safety: a re-scan of the output finds none of the removed identifiers', async () => {
    const replaceAll = { NAME: 'replace', DATE: 'replace', PHONE: 'replace', EMAIL: 'replace', MRN: 'replace', ID: 'replace', SSN: 'replace' } as const
    const { bundle: out } = (await deidentifyBundle(bundle(), { key: KEY, operators: replaceAll })) as { bundle: Obj }
    const notes = entries(out).flatMap((r) => (r.note ?? []).map((n: Obj) => n.text as string))
    expect(notes.length).toBe(2)
    for (const text of notes) {
      const found = detectPhi(text).filter((s) => s.type in replaceAll)
      expect(found.map((s) => `${s.type}:${text.slice(s.start, s.end)}`)).toEqual([])
    }
    // The resource scanner: removed elements are gone, only transformed ones remain, notes are clean.
    const findings = detectPhiInResource(out)
    expect(findings.filter((f) => f.spans?.length)).toEqual([])
    const types = new Set(findings.map((f) => f.type))
    for (const removed of ['PHONE', 'EMAIL', 'FAX', 'ADDRESS', 'CITY', 'LOCATION', 'BIOMETRIC_ID'] as const) expect(types.has(removed), removed).toBe(false)
    // With the default operators, no original identifier survives anywhere in the Bundle.
    const { bundle: dflt } = await deidentifyBundle(bundle(), { key: KEY })
    const json = JSON.stringify(dflt)
    for (const s of [
      'John',
      'Smith',
      'Nguyen',
      'Laura',
      '48213377',
      '617-555-0142',
      'john.smith@example.com',
      '03/04/2024',
      '2024-03-04',
      'pat-1001',
      '6f1c2a34',
    ])
      expect(json, s).not.toContain(s)
  })
})

describe('deidExportStage', () => {
  const stage = deidExportStage({ key: KEY })
  const ctx = { caller: {} as never, requestId: 'r1', route: 'export' }

  it('applies to export routes and de-identifies text, resources and Bundles', async () => {
    expect(stage).toMatchObject({ name: 'deid-export', order: 'post' })
    expect(stage.appliesTo!('export')).toBe(true)
    expect(stage.appliesTo!('predict')).toBe(false)
    expect(await stage.process(ctx, 'Seen John Smith today.')).not.toContain('John')
    const [p, b] = await stage.process(ctx, [patient(), bundle()] as FhirResource[])
    expect((p as Obj).meta.security).toContainEqual(REDACTED_LABEL)
    expect(JSON.stringify(b)).not.toContain('Smith')
  })

  it('refuses payloads it cannot de-identify rather than pass them through', async () => {
    await expect(stage.process(ctx, { rows: [{ name: 'John Smith' }] })).rejects.toMatchObject({ code: 'internal' })
  })
})

describe('free text inside resources', () => {
  it('tolerates a detector that returns overlapping, unsorted spans', async () => {
    const obs = { resourceType: 'Observation', status: 'final', code: { text: 'note' }, valueString: 'Ana Lopez called' }
    const detect = () => [
      { start: 4, end: 9, type: 'NAME' as const, score: 1, detector: 't' },
      { start: 0, end: 9, type: 'NAME' as const, score: 1, detector: 't' },
    ]
    const { resource } = (await deidentifyResource(obs, { key: KEY, detect, operators: { NAME: 'replace' } })) as { resource: Obj }
    expect(resource.valueString).toBe('[NAME] called')
  })
})
