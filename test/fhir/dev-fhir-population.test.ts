import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FhirResource, manualClock } from '../../core/index.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { POPULATION_TYPES, populationCohort, type PopulationCohort } from '../../devtools/fhir-server/population.ts'
import { ClinicalETL } from '../../plugins/etl/index.ts'
import { fhirPredictNexora } from '../../testkit/fhir-predict.ts'
import { createFhirClient, parseResource } from '../../plugins/fhir/index.ts'
import manifest from '../../models/readmission-fhir/manifest.json' with { type: 'json' }

const NOW = '2026-06-30T00:00:00Z'
const text = async (chunks: AsyncIterable<string>) => {
  let all = ''
  for await (const chunk of chunks) all += chunk
  return all
}
const lines = (ndjson: string) => ndjson.split('\n').filter(Boolean)
const allNdjson = async (pop: PopulationCohort, range?: { from?: number; to?: number }) =>
  (await Promise.all(POPULATION_TYPES.map((t) => text(pop.ndjson(t, range))))).join('')
const patientOf = (r: { resourceType: string; id?: string; subject?: { reference?: string } }) =>
  r.resourceType === 'Patient' ? r.id : r.subject?.reference?.replace(/^Patient\//, '')

describe('populationCohort: a seeded generator, one patient at a time', () => {
  const pop = populationCohort({ patients: 500, seed: 7, now: NOW })

  it('gives byte-identical NDJSON for the same seed, and different NDJSON for another seed', async () => {
    const a = await allNdjson(pop, { to: 200 })
    expect(await allNdjson(populationCohort({ patients: 500, seed: 7, now: NOW }), { to: 200 })).toBe(a)
    const other = await allNdjson(populationCohort({ patients: 500, seed: 8, now: NOW }), { to: 200 })
    expect(other).not.toBe(a)
    expect(lines(a).length).toBeGreaterThan(200 * 10)
    // Fixed-width ids: id order is index order.
    expect([...pop.patientIds({ from: 98, to: 101 })]).toEqual(['pp-000098', 'pp-000099', 'pp-000100', 'pp-000101'])
    expect(pop.indexOf('pp-000073')).toBe(73)
    expect(pop.indexOf('pp-73')).toBeUndefined()
    expect(pop.indexOf('pp-000501')).toBeUndefined()
  })

  it("generates patient 73's record the same alone, by type, in a range and in any order", async () => {
    const alone = JSON.stringify(pop.record(73))
    pop.record(400)
    expect(JSON.stringify(pop.record(73))).toBe(alone)
    expect(JSON.stringify(populationCohort({ patients: 500, seed: 7, now: NOW }).record(73))).toBe(alone)
    const byType = POPULATION_TYPES.flatMap((t) => pop.record(73, t))
    expect(JSON.stringify(byType)).toBe(alone)
    const inRange = (await allNdjson(pop, { from: 60, to: 90 })).split('\n').filter((l) => l && patientOf(JSON.parse(l)) === 'pp-000073')
    expect(`[${inRange.join(',')}]`).toBe(alone)
    for (const r of pop.record(73)) expect(pop.read(r.resourceType, r.id!)).toEqual(r)
    expect(pop.read('Observation', 'pp-000073-obs-9999')).toBeUndefined()
  })

  it('renders valid R4 that parseResource accepts, every resource referring to its patient and its encounters', () => {
    const perPatient: number[] = []
    const counts = { Patient: 0, Encounter: 0, Condition: 0, Observation: 0, MedicationRequest: 0 }
    for (let n = 1; n <= pop.patients; n++) {
      const record = pop.record(n)
      const id = pop.id(n)
      perPatient.push(record.length)
      const encounters = new Set(record.filter((r) => r.resourceType === 'Encounter').map((r) => `Encounter/${r.id}`))
      expect(new Set(record.map((r) => `${r.resourceType}/${r.id}`)).size).toBe(record.length)
      for (const r of record) {
        expect(() => parseResource(r)).not.toThrow()
        counts[r.resourceType as keyof typeof counts]++
        expect(patientOf(r as never)).toBe(id)
        expect(r.meta?.lastUpdated).toBe(NOW)
        const encounter = (r.encounter as { reference?: string } | undefined)?.reference
        if (encounter) expect(encounters.has(encounter)).toBe(true)
      }
      const of = (type: string) => record.filter((r) => r.resourceType === type).length
      expect(record[0]!.resourceType).toBe('Patient')
      expect(of('Encounter')).toBeGreaterThanOrEqual(1)
      expect(of('Encounter')).toBeLessThanOrEqual(4)
      expect(of('Condition')).toBeLessThanOrEqual(4)
      expect(of('Observation')).toBeGreaterThanOrEqual(6)
      expect(of('Observation')).toBeLessThanOrEqual(16)
      expect(of('MedicationRequest')).toBeLessThanOrEqual(2)
      // Nothing after the extract date, nothing after death.
      const death = Date.parse(String(record[0]!.deceasedDateTime ?? NOW))
      for (const r of record) {
        const at = (r.effectiveDateTime ?? r.authoredOn ?? r.recordedDate ?? (r.period as { end?: string } | undefined)?.end) as string | undefined
        if (at) expect(Date.parse(at)).toBeLessThanOrEqual(Math.min(death, Date.parse(NOW)))
      }
    }
    // The plans' counts (the manifest's) are the rendered counts.
    expect(pop.counts()).toEqual(counts)
    const mean = perPatient.reduce((a, b) => a + b, 0) / perPatient.length
    console.log(
      `population: ${mean.toFixed(1)} resources per patient (min ${Math.min(...perPatient)}, max ${Math.max(...perPatient)}) over ${pop.patients} patients`,
    )
    expect(mean).toBeGreaterThan(12)
    expect(mean).toBeLessThan(30)
  })

  it("gives the readmission-fhir spec's features a spread of values over 500 patients", async () => {
    const etl = new ClinicalETL(manifest.featureSpec)
    const records = Array.from({ length: pop.patients }, (_, i) => ({ patientId: pop.id(i + 1), resources: pop.record(i + 1) as FhirResource[] }))
    const { rows } = await etl.extractFeatures(records, { indexTime: NOW, now: Date.parse(NOW) })
    const spread: Record<string, { present: number; distinct: number }> = {}
    for (const feature of manifest.featureSpec.features) {
      const values = rows.map((r) => r.features[feature.name]).filter((v) => v !== null && v !== undefined)
      spread[feature.name] = { present: values.length, distinct: new Set(values).size }
    }
    console.log('population features (present, distinct) over 500 patients:', JSON.stringify(spread))
    for (const [name, s] of Object.entries(spread)) {
      expect(s.present, name).toBeGreaterThanOrEqual(25)
      expect(s.distinct, name).toBeGreaterThanOrEqual(2)
    }
    const mean = (name: string) => rows.reduce((a, r) => a + Number(r.features[name] ?? 0), 0) / rows.length
    // Binary features are neither rare nor universal.
    for (const name of ['heart_failure', 'copd', 'ckd', 'on_anticoagulant']) {
      expect(mean(name), name).toBeGreaterThan(0.02)
      expect(mean(name), name).toBeLessThan(0.8)
    }
    // A ground-truth outcome from truth.ts, deterministic and not constant.
    const outcomes = Array.from({ length: 200 }, (_, i) => pop.outcome(i + 1))
    expect(pop.outcome(5)).toEqual(outcomes[4])
    expect(new Set(outcomes.map((o) => o.readmitted30d))).toEqual(new Set([0, 1]))
  })

  it('generates as it is read: the first chunk of a ten-million-patient file comes at once', async () => {
    const huge = populationCohort({ patients: 10_000_000, seed: 1, now: NOW })
    expect(huge.id(1)).toBe('pp-00000001')
    const reader = huge.stream('Observation').getReader()
    const first = await reader.read()
    const chunk = new TextDecoder().decode(first.value)
    expect(chunk.endsWith('\n')).toBe(true)
    expect(lines(chunk).length).toBeGreaterThan(10)
    expect(lines(chunk).length).toBeLessThan(200)
    expect(patientOf(JSON.parse(lines(chunk)[0]!))).toBe('pp-00000001')
    await reader.cancel()
  })
})

const listen = (app: { fetch: (r: Request) => Response | Promise<Response> }) =>
  new Promise<{ url: string; server: ServerType }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }))
  })

describe('the dev FHIR server serving a population: Bulk Data $export, reads and $everything', () => {
  const PATIENTS = 2_500
  const clock = manualClock(Date.parse('2026-07-01T12:00:00Z'))
  let dev: DevFhirServer
  let url: string
  let server: ServerType
  beforeAll(async () => {
    dev = createDevFhirServer({
      population: { patients: PATIENTS, seed: 11, now: NOW, patientsPerFile: 1_000, groups: { block: { from: 101, to: 350 } } },
      staticTokens: ['dev-token'],
      clock,
    })
    ;({ url, server } = await listen(dev.app))
  })
  afterAll(() => void server?.close())
  const client = () => createFhirClient({ baseUrl: url, clock, random: () => 0.5, auth: { type: 'static', token: 'dev-token' } })
  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: 'Bearer dev-token' } })

  it("exports every patient's resources, file by file, with counts from the plans and bounded memory", async () => {
    expect(dev.cohort).toBeUndefined()
    const exp = await client().bulkExport({ level: 'system' })
    expect(exp.manifest.requiresAccessToken).toBe(true)
    const expected = dev.population!.counts()
    // Three blocks of 1,000 patients per type (the last one 500).
    for (const type of POPULATION_TYPES) {
      const files = exp.manifest.output.filter((f) => f.type === type)
      expect(files.length).toBe(3)
      expect(files.reduce((n, f) => n + (f.count ?? 0), 0)).toBe(expected[type])
    }
    const seen: Record<string, number> = {}
    const patients = new Set<string>()
    const before = process.memoryUsage().heapUsed
    let peak = 0
    let i = 0
    for await (const r of exp.resources()) {
      seen[r.resourceType] = (seen[r.resourceType] ?? 0) + 1
      if (r.resourceType === 'Patient') patients.add(r.id!)
      if (++i % 500 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before)
    }
    expect(seen).toEqual(expected)
    expect(patients.size).toBe(PATIENTS)
    console.log(`population export over HTTP: ${i} resources of ${PATIENTS} patients, heap growth peaked at ${(peak / 2 ** 20).toFixed(0)} MB`)
    // The export is ~32 MB of NDJSON; streaming keeps the heap well under it.
    expect(peak).toBeLessThan(96 * 2 ** 20)
    await exp.remove()
  })

  it('honours _type and _typeFilter, a Group block, Group/all, and _since against the fixed lastUpdated', async () => {
    const group = await client().bulkExport({ level: 'group', group: 'block', types: ['Patient', 'Condition'] })
    const ids = new Set<string>()
    const types = new Set<string>()
    for await (const r of group.resources()) {
      ids.add(patientOf(r as never)!)
      types.add(r.resourceType)
    }
    expect(types).toEqual(new Set(['Patient', 'Condition']))
    expect(ids).toEqual(new Set(dev.population!.patientIds({ from: 101, to: 350 })))

    const hba1c = await client().bulkExport({ level: 'patient', types: ['Observation'], typeFilters: ['Observation?code=http://loinc.org|4548-4'] })
    expect(hba1c.manifest.output.every((f) => f.type === 'Observation' && f.count === undefined)).toBe(true)
    let n = 0
    for await (const r of hba1c.resources()) {
      expect((r.code as { coding: { code: string }[] }).coding[0]!.code).toBe('4548-4')
      n++
    }
    expect(n).toBeGreaterThan(100)

    const all = await client().bulkExport({ level: 'group', group: 'all', types: ['Patient'] })
    expect(all.manifest.output.reduce((k, f) => k + (f.count ?? 0), 0)).toBe(PATIENTS)
    await expect(client().bulkExport({ level: 'group', group: 'nobody' })).rejects.toMatchObject({ code: expect.stringMatching(/^fhir\./) })

    expect((await client().bulkExport({ level: 'system', since: NOW })).manifest.output).toEqual([])
    const since = await client().bulkExport({ level: 'system', types: ['Encounter'], since: '2026-06-01T00:00:00Z' })
    expect(since.manifest.output.reduce((k, f) => k + (f.count ?? 0), 0)).toBe(dev.population!.counts().Encounter)

    // Files need the token, as the store's export files do.
    expect((await fetch(since.manifest.output[0]!.url)).status).toBe(401)
  })

  it("reads a population patient, its $everything and its searches as the export's record", async () => {
    const record = dev.population!.record(73)
    const patient = await (await get('/Patient/pp-000073')).json()
    expect(patient).toEqual(record[0])
    const everything = await (await get('/Patient/pp-000073/$everything?_count=100')).json()
    expect(everything.entry.map((e: { resource: unknown }) => e.resource)).toEqual(record)
    const observations = await (await get('/Observation?patient=pp-000073&_count=100')).json()
    expect(observations.total).toBe(record.filter((r) => r.resourceType === 'Observation').length)
    const obs = record.find((r) => r.resourceType === 'Observation')!
    expect(await (await get(`/Observation/${obs.id}`)).json()).toEqual(obs)
    expect((await get('/Patient/pp-009999')).status).toBe(404)
  })

  it('scores a population patient through /fhir/patient/{id}/predict from the same record the export gives', async () => {
    const { nexora } = await fhirPredictNexora(url, 'dev-token')
    const res = await nexora.app.request('/fhir/patient/pp-000073/predict?writeBack=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-fhir', indexTime: NOW }),
    })
    expect(res.status).toBe(200)
    const body = await res.json()
    const etl = new ClinicalETL(manifest.featureSpec)
    const expected = etl.transform({ patientId: 'pp-000073', resources: dev.population!.record(73) as FhirResource[] }, { indexTime: NOW })
    expect(body.features).toEqual(expected.features)
    // The written-back RiskAssessment joins the generated record in the patient's compartment.
    const everything = await (await get('/Patient/pp-000073/$everything?_count=100')).json()
    expect(everything.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType)).toContain('RiskAssessment')
  })
})

describe('populationCohort at scale', () => {
  it('generates and serialises 100,000 patients of every type (timed, not asserted)', async () => {
    const patients = 100_000
    const pop = populationCohort({ patients, seed: 20261207, now: NOW })
    const started = performance.now()
    let chars = 0
    let resources = 0
    for (const type of POPULATION_TYPES) {
      for await (const chunk of pop.ndjson(type)) {
        chars += chunk.length
        for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', at + 1)) resources++
      }
    }
    const seconds = (performance.now() - started) / 1000
    console.log(
      `population scale: ${patients} patients, ${resources} resources (${(resources / patients).toFixed(1)}/patient), ` +
        `${(chars / 2 ** 20).toFixed(0)} MiB of NDJSON in ${seconds.toFixed(1)} s`,
    )
    expect(resources).toBe(Object.values(pop.counts()).reduce((a, b) => a + b, 0))
  }, 180_000)
})
