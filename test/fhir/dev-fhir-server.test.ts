import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { createDevFhirServer, generateFhirCohort, truthFeatures, type DevFhirServer, type FhirJson } from '../../devtools/fhir-server/index.ts'
import { byPatientOf, getJson, listen, type Resource, type Running, send } from '../../testkit/dev-fhir-http.ts'

const LOINC = 'http://loinc.org'

interface Coding {
  system?: string
  code?: string
}
interface Entry {
  fullUrl?: string
  resource?: FhirJson & Record<string, any>
  search?: { mode?: string }
  response?: { status: string; location?: string; outcome?: FhirJson }
}
interface BundleJson {
  resourceType: string
  type: string
  total?: number
  link?: { relation: string; url: string }[]
  entry?: Entry[]
}

const cohort = generateFhirCohort()
const resources = cohort.resources as Resource[]
const patientIds = Object.keys(cohort.outcomes)
const byPatient = byPatientOf(resources)
const codes = (r: Record<string, any>): Coding[] => r.code?.coding ?? []

/** Follow `link next` from the first page; every page's resources in order. */
async function allPages(first: string, headers: Record<string, string> = {}) {
  const pages: BundleJson[] = []
  for (let next: string | undefined = first; next; ) {
    const { status, body } = await getJson(next, headers)
    expect(status).toBe(200)
    pages.push(body)
    next = (body as BundleJson).link?.find((l) => l.relation === 'next')?.url
    if (next) expect(next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
  }
  return { pages, resources: pages.flatMap((p) => (p.entry ?? []).filter((e) => e.search?.mode !== 'outcome').map((e) => e.resource!)) }
}

describe('dev FHIR server (open)', () => {
  let server: DevFhirServer
  let http: Running
  let noEverything: Running
  beforeAll(async () => {
    server = createDevFhirServer({ cohort })
    http = await listen(server)
    noEverything = await listen(createDevFhirServer({ cohort, supportsEverything: false }))
  })
  afterAll(async () => {
    await http.close()
    await noEverything.close()
  })

  it('serves a CapabilityStatement as application/fhir+json, and unknown things as OperationOutcomes', async () => {
    const meta = await getJson(`${http.url}/metadata`)
    expect(meta.status).toBe(200)
    expect(meta.headers.get('content-type')).toMatch(/^application\/fhir\+json/)
    expect(meta.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' })
    expect(meta.body.rest[0].resource.map((r: any) => r.type)).toEqual(
      expect.arrayContaining(['Patient', 'Observation', 'Condition', 'Encounter', 'MedicationRequest']),
    )
    const missing = await getJson(`${http.url}/Patient/nobody`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] })
    const badDate = await getJson(`${http.url}/Observation?date=yesterday`)
    expect(badDate.status).toBe(400)
    expect(badDate.body.resourceType).toBe('OperationOutcome')
  })

  it('pages a search across several pages with absolute next links, returning every match exactly once', async () => {
    const id = patientIds.find((p) => byPatient.get(p)!.filter((r) => r.resourceType === 'Observation').length >= 120)!
    const expected = byPatient
      .get(id)!
      .filter((r) => r.resourceType === 'Observation')
      .map((r) => r.id)
    const { pages, resources: found } = await allPages(`${http.url}/Observation?patient=${id}&_count=40`)
    expect(pages.length).toBe(Math.ceil(expected.length / 40))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(pages.every((p) => p.type === 'searchset' && p.total === expected.length)).toBe(true)
    expect(pages.at(-1)!.link!.some((l) => l.relation === 'next')).toBe(false)
    expect(pages[0]!.link!.find((l) => l.relation === 'self')!.url).toBe(`${http.url}/Observation?patient=${id}&_count=40`)
    const ids = found.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.sort()).toEqual([...expected].sort())
  })

  it('searches by code (system|code or bare), date range and _id, with the default page size and _count capped at 500', async () => {
    const hba1c2025 = resources
      .filter(
        (r) =>
          r.resourceType === 'Observation' &&
          codes(r).some((c) => c.code === '4548-4') &&
          r.effectiveDateTime >= '2025-01-01' &&
          r.effectiveDateTime < '2026-01-01',
      )
      .map((r) => r.id)
      .sort()
    expect(hba1c2025.length).toBeGreaterThan(50)
    const withSystem = await allPages(`${http.url}/Observation?code=${encodeURIComponent(`${LOINC}|4548-4`)}&date=ge2025-01-01&date=lt2026-01-01`)
    expect(withSystem.pages[0]!.entry).toHaveLength(50)
    expect(withSystem.resources.map((r) => r.id).sort()).toEqual(hba1c2025)
    const bare = await getJson(`${http.url}/Observation?code=4548-4&date=ge2025-01-01&date=lt2026-01-01&_count=0`)
    expect(bare.body.total).toBe(hba1c2025.length)
    expect(bare.body.entry).toHaveLength(0)
    const wrongSystem = await getJson(`${http.url}/Observation?code=${encodeURIComponent('http://snomed.info/sct|4548-4')}`)
    expect(wrongSystem.body.total).toBe(0)

    const big = await getJson(`${http.url}/Observation?_count=1000`)
    expect(big.body.entry).toHaveLength(500)
    expect(new URL(big.body.link.find((l: any) => l.relation === 'next').url).searchParams.get('_count')).toBe('500')

    const two = await getJson(`${http.url}/Patient?_id=pt-0003,pt-0007`)
    expect(two.body.entry.map((e: Entry) => e.resource!.id)).toEqual(['pt-0003', 'pt-0007'])
    const conditions = await getJson(`${http.url}/Condition?subject=Patient/pt-0002&_count=500`)
    expect(conditions.body.total).toBe(byPatient.get('pt-0002')!.filter((r) => r.resourceType === 'Condition').length)
  })

  it("answers $everything with the patient's whole record, paged; without it, per-type searches gather the same record", async () => {
    const id = 'pt-0005'
    const expected = byPatient
      .get(id)!
      .map((r) => `${r.resourceType}/${r.id}`)
      .sort()
    expect(expected.length).toBeGreaterThan(100)
    const { pages, resources: found } = await allPages(`${http.url}/Patient/${id}/$everything?_count=100`)
    expect(pages.length).toBe(Math.ceil(expected.length / 100))
    expect(found[0]).toMatchObject({ resourceType: 'Patient', id })
    expect(found.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual(expected)
    // The record over HTTP yields the same ground-truth features as the generator used.
    expect(truthFeatures(found)).toEqual(cohort.outcomes[id]!.features)

    const refused = await getJson(`${noEverything.url}/Patient/${id}/$everything`)
    expect(refused.status).toBe(404)
    expect(refused.body.resourceType).toBe('OperationOutcome')
    const gathered = [(await getJson(`${noEverything.url}/Patient/${id}`)).body]
    for (const type of ['Encounter', 'Condition', 'Observation', 'MedicationRequest'])
      gathered.push(...(await allPages(`${noEverything.url}/${type}?patient=${id}&_count=200`)).resources)
    expect(gathered.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual(expected)
  })

  it('creates, updates, reads and vreads, keeping every version', async () => {
    const created = await send('POST', `${http.url}/Patient`, { resourceType: 'Patient', id: 'ignored', gender: 'female', birthDate: '1950-01-01' })
    expect(created.status).toBe(201)
    const id = created.body.id as string
    expect(id).not.toBe('ignored')
    expect(created.headers.get('location')).toBe(`${http.url}/Patient/${id}/_history/1`)
    expect(created.body.meta).toMatchObject({ versionId: '1', lastUpdated: expect.any(String) })

    const updated = await send('PUT', `${http.url}/Patient/${id}`, { ...created.body, gender: 'male' })
    expect(updated.status).toBe(200)
    expect(updated.body.meta.versionId).toBe('2')
    expect(updated.headers.get('etag')).toBe('W/"2"')
    expect((await getJson(`${http.url}/Patient/${id}`)).body.gender).toBe('male')
    expect((await getJson(`${http.url}/Patient/${id}/_history/1`)).body).toMatchObject({ gender: 'female', meta: { versionId: '1' } })
    expect((await getJson(`${http.url}/Patient/${id}/_history/2`)).body).toMatchObject({ gender: 'male', meta: { versionId: '2' } })
    expect((await getJson(`${http.url}/Patient/${id}/_history/3`)).status).toBe(404)
    expect((await getJson(`${http.url}/Patient/${id}/_history`)).body.total).toBe(2)
    // Seeded resources are version 1 too.
    expect((await getJson(`${http.url}/Observation/pt-0001-obs-0001/_history/1`)).body.meta.versionId).toBe('1')

    const stale = await send('PUT', `${http.url}/Patient/${id}`, { ...created.body, gender: 'other' }, { 'if-match': 'W/"1"' })
    expect(stale.status).toBe(412)
    const mismatch = await send('PUT', `${http.url}/Patient/${id}`, { resourceType: 'Patient', id: 'someone-else' })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.resourceType).toBe('OperationOutcome')
    const wrongType = await send('POST', `${http.url}/Patient`, { resourceType: 'Observation' })
    expect(wrongType.status).toBe(400)
    const upsert = await send('PUT', `${http.url}/Patient/chosen-id`, { resourceType: 'Patient', id: 'chosen-id' })
    expect(upsert.status).toBe(201)
  })

  it('runs a transaction all-or-nothing, resolving urn:uuid references, and a batch entry by entry', async () => {
    const tx = await send('POST', `${http.url}/`, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:0d4a3f0e-1111-4c4c-9a9a-000000000001',
          resource: { resourceType: 'Patient', gender: 'female' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: LOINC, code: '8867-4' }] },
            subject: { reference: 'urn:uuid:0d4a3f0e-1111-4c4c-9a9a-000000000001' },
            valueQuantity: { value: 80 },
          },
          request: { method: 'POST', url: 'Observation' },
        },
        { resource: { resourceType: 'Patient', id: 'pt-0010', gender: 'unknown' }, request: { method: 'PUT', url: 'Patient/pt-0010' } },
        { request: { method: 'GET', url: 'Patient/pt-0010' } },
      ],
    })
    expect(tx.status).toBe(200)
    expect(tx.body.type).toBe('transaction-response')
    expect(tx.body.entry.map((e: Entry) => e.response!.status)).toEqual(['201 Created', '201 Created', '200 OK', '200 OK'])
    const patientId = tx.body.entry[0].resource.id
    expect(tx.body.entry[1].resource.subject.reference).toBe(`Patient/${patientId}`)
    expect(tx.body.entry[0].response.location).toBe(`Patient/${patientId}/_history/1`)
    // The GET runs after the writes.
    expect(tx.body.entry[3].resource).toMatchObject({ gender: 'unknown', meta: { versionId: '2' } })
    expect((await getJson(`${http.url}/Observation?patient=${patientId}`)).body.total).toBe(1)

    const before = server.store.count()
    const failed = await send('POST', `${http.url}/`, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Condition' }, request: { method: 'POST', url: 'Observation' } },
      ],
    })
    expect(failed.status).toBe(400)
    expect(failed.body.resourceType).toBe('OperationOutcome')
    expect(server.store.count()).toBe(before)

    const batch = await send('POST', `${http.url}/`, {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Condition' }, request: { method: 'POST', url: 'Observation' } },
        { request: { method: 'GET', url: 'Patient/nobody' } },
      ],
    })
    expect(batch.body.type).toBe('batch-response')
    expect(batch.body.entry.map((e: Entry) => e.response!.status.slice(0, 3))).toEqual(['201', '400', '404'])
    expect(batch.body.entry[1].response.outcome.resourceType).toBe('OperationOutcome')
    expect(server.store.count()).toBe(before + 1)
  })

  it('serves injected 429s and 503s with Retry-After, and counts the requests per path', async () => {
    server.faults.reset()
    server.faults.failNext(2, { status: 429, retryAfter: 3 })
    const path = '/Patient/pt-0001'
    const statuses: number[] = []
    // A client that retries on 429/503, honouring Retry-After (scaled down to keep the test fast).
    let res: Response
    for (;;) {
      res = await fetch(`${http.url}${path}`)
      statuses.push(res.status)
      if (res.status !== 429 && res.status !== 503) break
      expect(res.headers.get('retry-after')).toBe('3')
      expect(await res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] })
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after'))))
    }
    expect(statuses).toEqual([429, 429, 200])
    expect(((await res.json()) as FhirJson).id).toBe('pt-0001')
    expect(server.faults.requests(path)).toBe(3)

    server.faults.failNext(1, { status: 503, retryAfter: 1, path: '/Observation' })
    expect((await fetch(`${http.url}/Patient/pt-0002`)).status).toBe(200)
    const unavailable = await fetch(`${http.url}/Observation/pt-0001-obs-0001`)
    expect(unavailable.status).toBe(503)
    expect(unavailable.headers.get('retry-after')).toBe('1')
    expect(server.faults.pending()).toBe(0)
    expect((await fetch(`${http.url}/Observation/pt-0001-obs-0001`)).status).toBe(200)
    expect(server.faults.requests('/Observation/pt-0001-obs-0001')).toBe(2)
    expect(server.faults.requests()).toBe(6)
  })
})
