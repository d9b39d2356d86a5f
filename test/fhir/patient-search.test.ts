import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type AuditEvent, type FhirResource, type Nexora } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { fhirServer } from '../../plugins/fhir/index.ts'
import { displayName, fhirPredict } from '../../plugins/fhir-predict/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

let dev: DevFhirServer
let server: ServerType
let nexora: Nexora
let events: AuditEvent[]
const logs: string[] = []
const INDEX = '2026-06-01T00:00:00Z'

/** The bearer token is the caller's scopes, space-separated (a stand-in authenticator). */
const authenticator = definePlugin({
  name: 'scopes-as-token',
  provides: 'authenticator',
  setup: () => ({
    authenticate: async (headers: Headers) => ({
      subject: 'tester',
      roles: [],
      scopes: (headers.get('authorization') ?? '')
        .replace(/^Bearer /, '')
        .split(' ')
        .filter(Boolean),
    }),
  }),
})
const get = (path: string, scopes = 'nexora/predict') => nexora.app.request(path, { headers: { authorization: `Bearer ${scopes}` } })
const patients = () =>
  dev.cohort!.resources.filter(
    (r): r is FhirResource & { id: string; birthDate: string; name: { family: string; given: string[] }[] } => r.resourceType === 'Patient',
  )

beforeAll(async () => {
  dev = createDevFhirServer({ cohort: { patients: 12, seed: 7 }, staticTokens: ['ehr-token'], pageSize: 5 })
  const url = await new Promise<string>((resolve) => {
    server = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  const audit = memoryAuditSink()
  events = audit.events
  const line = (level: string) => (event: string, fields?: unknown) => {
    logs.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`)
  }
  nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
      definePlugin({ name: 'log', provides: 'logger', setup: () => ({ info: line('info'), warn: line('warn'), error: line('error') }) }),
      authenticator,
      linearModel(),
      fhirServer({ baseUrl: url, auth: { type: 'static', token: 'ehr-token' }, retries: 0 }),
      fhirPredict(),
    ],
  })
  await importModels(nexora)
})
afterAll(() => {
  server?.close()
})

describe('GET /fhir/patients', () => {
  it('finds a patient by name (any part, by prefix, any case), with id, name, birth date and gender only', async () => {
    const target = patients()[7]!
    const res = await get(`/fhir/patients?name=${encodeURIComponent(target.name[0]!.family.slice(0, 3).toUpperCase())}`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { patients: Record<string, unknown>[]; more: boolean }
    expect(body.patients).toContainEqual({
      id: target.id,
      name: `${target.name[0]!.given.join(' ')} ${target.name[0]!.family}`,
      birthDate: target.birthDate,
      gender: target.gender,
    })
    expect(body.patients.every((p) => Object.keys(p).sort().join() === 'birthDate,gender,id,name')).toBe(true)
    // Given and family together, each word a prefix.
    const both = (await (
      await get(`/fhir/patients?name=${encodeURIComponent(`${target.name[0]!.given[0]!.slice(0, 2)} ${target.name[0]!.family}`)}`)
    ).json()) as { patients: { id: string }[] }
    expect(both.patients.map((p) => p.id)).toContain(target.id)
    expect(displayName(target)).toBe(`${target.name[0]!.given.join(' ')} ${target.name[0]!.family}`)
  })

  it('filters by birth date (day, month or year) even though the server ignores the parameter, across pages', async () => {
    const target = patients().at(-1)!
    const body = (await (await get(`/fhir/patients?birthdate=${target.birthDate}`)).json()) as { patients: { id: string; birthDate: string }[] }
    expect(body.patients.map((p) => p.id)).toContain(target.id)
    expect(body.patients.every((p) => p.birthDate === target.birthDate)).toBe(true)
    const year = (await (await get(`/fhir/patients?birthdate=${target.birthDate.slice(0, 4)}`)).json()) as { patients: { birthDate: string }[] }
    expect(year.patients.length).toBe(patients().filter((p) => p.birthDate.startsWith(target.birthDate.slice(0, 4))).length)
  })

  it('stops at _count and says there is more', async () => {
    // Every synthetic name's text is the same disclaimer, so "synthetic" matches everyone.
    const body = (await (await get('/fhir/patients?name=synthetic&_count=3')).json()) as { patients: unknown[]; more: boolean }
    expect([body.patients.length, body.more]).toEqual([3, true])
    const all = (await (await get('/fhir/patients?name=synthetic&_count=50')).json()) as { patients: unknown[]; more: boolean }
    expect([all.patients.length, all.more]).toEqual([12, false])
    const none = await (await get('/fhir/patients?name=zzzzqx')).json()
    expect(none).toEqual({ patients: [], more: false })
  })

  it('audits the search as data access with the ids returned, never the criteria, and keeps them out of the logs', async () => {
    const target = patients()[3]!
    const res = await get(`/fhir/patients?name=${encodeURIComponent(target.name[0]!.family)}&birthdate=${target.birthDate}`)
    const requestId = res.headers.get('x-request-id')
    expect((await res.json()).patients).toHaveLength(1)
    const event = events.find((e) => e.requestId === requestId)!
    expect(event).toMatchObject({
      action: 'fhir.search',
      actor: 'tester',
      outcome: 'success',
      patientRef: `Patient/${target.id}`,
      context: { resourceType: 'Patient', criteria: ['birthdate', 'name'], results: 1, patients: [`Patient/${target.id}`] },
    })
    const trail = JSON.stringify(events)
    expect(trail).not.toContain(target.name[0]!.family)
    expect(trail).not.toContain(target.birthDate)
    const logged = logs.join('\n')
    expect(logged).toContain('http.request')
    expect(logged).not.toContain(target.name[0]!.family)
    expect(logged).not.toContain(target.birthDate)
  })

  it('answers bad queries as OperationOutcomes: no criterion, a malformed date, _count out of range', async () => {
    for (const path of ['/fhir/patients', '/fhir/patients?birthdate=12-04-1950', '/fhir/patients?name=a&_count=500', '/fhir/patients?name=']) {
      const res = await get(path)
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 400, 'application/fhir+json'])
      expect((await res.json()).issue[0]).toMatchObject({ code: 'invalid', details: { coding: [{ code: 'request.invalid' }] } })
    }
  })

  it('needs nexora/predict or a user/system SMART Patient search scope; a patient-context token may not list patients', async () => {
    expect((await get('/fhir/patients?name=synthetic', 'user/Patient.rs')).status).toBe(200)
    expect((await get('/fhir/patients?name=synthetic', 'system/Patient.read')).status).toBe(200)
    expect((await get('/fhir/patients?name=synthetic', 'nexora/admin')).status).toBe(200)
    for (const scopes of ['patient/Patient.rs', 'nexora/models.read', 'user/Patient.r']) {
      const res = await get('/fhir/patients?name=synthetic', scopes)
      expect([scopes, res.status]).toEqual([scopes, 403])
      expect((await res.json()).issue[0].code).toBe('forbidden')
    }
  })

  it('answers 503 OperationOutcome when the FHIR server is down', async () => {
    const down = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
        linearModel(),
        fhirServer({ baseUrl: 'http://127.0.0.1:9', retries: 0, timeoutMs: 2000 }),
        fhirPredict(),
      ],
    })
    const res = await down.app.request('/fhir/patients?name=a')
    expect(res.status).toBe(503)
    expect((await res.json()).issue[0]).toMatchObject({ code: 'transient', details: { coding: [{ code: 'fhir.unavailable' }] } })
  })

  it('is documented in /openapi.json with its policy', async () => {
    const doc = await (await nexora.app.request('/openapi.json')).json()
    expect(doc.paths['/fhir/patients'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/PatientSearchResult')
    expect(nexora.ports.getAll('frontDoor')[0]!.policies!['GET /fhir/patients']).toMatchObject({ audit: 'handler', rate: 'read' })
  })
})

describe('POST /fhir/patient/{id}/predict?detail=true', () => {
  it('adds the sources of each feature, which together are the basis; without it the answer is unchanged', async () => {
    const id = patients()[2]!.id
    const body = { model: 'readmission-fhir', explain: true, indexTime: INDEX }
    const post = (query: string) =>
      nexora.app.request(`/fhir/patient/${id}/predict${query}`, {
        method: 'POST',
        headers: { authorization: 'Bearer nexora/predict', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const detailed = (await (await post('?detail=true')).json()) as {
      features: Record<string, unknown>
      basis: string[]
      sources: Record<string, string[]>
      prediction: { score: number }
    }
    expect(Object.keys(detailed.sources).sort()).toEqual(Object.keys(detailed.features).sort())
    expect([...new Set(Object.values(detailed.sources).flat())].sort()).toEqual(detailed.basis)
    expect(detailed.sources.age).toEqual([`Patient/${id}`])
    for (const [feature, refs] of Object.entries(detailed.sources)) if (detailed.features[feature] === null) expect([feature, refs]).toEqual([feature, []])
    const plain = (await (await post('')).json()) as Record<string, unknown>
    expect(plain).not.toHaveProperty('sources')
    expect((plain.prediction as { score: number }).score).toBeCloseTo(detailed.prediction.score, 12)
    expect(plain.basis).toEqual(detailed.basis)
  })
})
