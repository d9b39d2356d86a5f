import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock, NexoraError } from '../../core/index.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { createFhirClient, parseResource, type FhirClientOptions } from '../../plugins/fhir/index.ts'

async function listen(app: { fetch: (r: Request) => Response | Promise<Response> }): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }))
  })
}

async function clientKeys(alg: 'ES384' | 'RS384', clientId: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { clientId, privateKey, alg, kid: `${clientId}-1`, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: `${clientId}-1`, alg, use: 'sig' }] } }
}

let dev: DevFhirServer
let url: string
let server: ServerType
let es: Awaited<ReturnType<typeof clientKeys>>
let rs: Awaited<ReturnType<typeof clientKeys>>
const clock = manualClock(Date.parse('2026-06-30T00:00:00Z'))
const sleeps: number[] = []

beforeAll(async () => {
  ;[es, rs] = await Promise.all([clientKeys('ES384', 'nexora-es'), clientKeys('RS384', 'nexora-rs')])
  dev = createDevFhirServer({
    cohort: { patients: 12, seed: 3 },
    clients: [es, rs],
    staticTokens: ['static-demo-token'],
    pageSize: 10,
    tokenLifetimeSeconds: 120,
    clock,
  })
  ;({ url, server } = await listen(dev.app))
})
afterAll(() => {
  server?.close()
})

const client = (over: Partial<FhirClientOptions> = {}) =>
  createFhirClient({
    baseUrl: url,
    clock,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0.5,
    auth: { type: 'smart-backend', clientId: es.clientId, privateKey: es.privateKey, alg: 'ES384', kid: es.kid, scope: 'system/*.rs system/RiskAssessment.c' },
    ...over,
  })
const firstPatient = () => dev.cohort!.resources.find((r) => r.resourceType === 'Patient')!.id as string

describe('FHIR client against the dev FHIR server over HTTP', () => {
  it('follows Bundle.link[next] across at least three pages and returns every match once', async () => {
    const pid = firstPatient()
    dev.faults.reset()
    const ids: string[] = []
    for await (const obs of client().search('Observation', { patient: pid, _count: '10' })) ids.push(obs.id!)
    const expected = dev.cohort!.resources.filter(
      (r) => r.resourceType === 'Observation' && (r.subject as { reference: string }).reference === `Patient/${pid}`,
    ).length
    expect(ids.length).toBe(expected)
    expect(new Set(ids).size).toBe(expected)
    expect(dev.faults.requests('/Observation')).toBeGreaterThanOrEqual(3)
  })

  it('reads the whole record with $everything, and the same record by per-type searches without it', async () => {
    const pid = firstPatient()
    const all = await client().everything(pid)
    expect(all.filter((r) => r.resourceType === 'Patient').map((r) => r.id)).toEqual([pid])
    expect(all.length).toBeGreaterThan(100)
    const noEverything = createDevFhirServer({ cohort: dev.cohort, staticTokens: ['t'], supportsEverything: false, pageSize: 25 })
    const other = await listen(noEverything.app)
    try {
      const fallback = await createFhirClient({
        baseUrl: other.url,
        auth: { type: 'static', token: 't' },
        everythingTypes: ['Condition', 'Observation', 'Encounter', 'MedicationRequest'],
      }).everything(pid)
      expect(fallback.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual(all.map((r) => `${r.resourceType}/${r.id}`).sort())
    } finally {
      other.server.close()
    }
  })

  it('authenticates with SMART Backend Services using ES384 and RS384 client assertions', async () => {
    for (const keys of [es, rs]) {
      const c = client({
        auth: { type: 'smart-backend', clientId: keys.clientId, privateKey: keys.privateKey, alg: keys.alg, kid: keys.kid, scope: 'system/*.rs' },
      })
      expect((await c.read('Patient', firstPatient())).resourceType).toBe('Patient')
    }
    const stranger = await clientKeys('ES384', 'stranger')
    const refused = await client({
      auth: { type: 'smart-backend', clientId: 'nexora-es', privateKey: stranger.privateKey, alg: 'ES384', kid: es.kid, scope: 'system/*.rs' },
    })
      .read('Patient', firstPatient())
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'fhir.unauthorized' })
  })

  it('caches the access token and refreshes it before it expires', async () => {
    dev.faults.reset()
    const c = client()
    await c.read('Patient', firstPatient())
    await c.read('Patient', firstPatient())
    expect(dev.faults.requests('/auth/token')).toBe(1)
    clock.advance(61_000) // 120 s lifetime, refreshed 60 s before expiry
    await c.read('Patient', firstPatient())
    expect(dev.faults.requests('/auth/token')).toBe(2)
  })

  it('retries 429 honouring Retry-After, and 503 with backoff, for reads', async () => {
    sleeps.length = 0
    dev.faults.reset()
    dev.faults.failNext(2, { status: 429, retryAfter: 3, path: '/Patient' })
    const c = client({ auth: { type: 'static', token: 'static-demo-token' } })
    expect((await c.read('Patient', firstPatient())).id).toBe(firstPatient())
    expect(sleeps).toEqual([3000, 3000])
    dev.faults.failNext(1, { status: 503, path: '/Patient' })
    await c.read('Patient', firstPatient())
    expect(sleeps.at(-1)).toBe(100) // full jitter: random 0.5 × 200 ms
    dev.faults.failNext(9, { status: 503, path: '/Patient' })
    await expect(c.read('Patient', firstPatient())).rejects.toMatchObject({ code: 'fhir.unavailable' })
    dev.faults.reset()
  })

  it('never retries a create', async () => {
    dev.faults.reset()
    dev.faults.failNext(1, { status: 503, path: '/RiskAssessment' })
    const c = client({ auth: { type: 'static', token: 'static-demo-token' } })
    await expect(c.create({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${firstPatient()}` } })).rejects.toMatchObject({
      code: 'fhir.unavailable',
    })
    expect(dev.faults.requests('/RiskAssessment')).toBe(1)
  })

  it('creates, updates, vreads and posts transactions that resolve urn:uuid references', async () => {
    const c = client({ auth: { type: 'static', token: 'static-demo-token' } })
    const created = await c.create({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${firstPatient()}` } })
    expect(created.id).toBeTruthy()
    const updated = await c.update({ ...created, status: 'amended' })
    expect((updated.meta as { versionId: string }).versionId).toBe('2')
    expect((await c.vread('RiskAssessment', created.id!, '1')).status).toBe('final')
    const result = await c.transaction({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-0000-0000-000000000001',
          resource: { resourceType: 'Patient', gender: 'female' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'x' },
            subject: { reference: 'urn:uuid:aaaaaaaa-0000-0000-0000-000000000001' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    })
    const locations = (result.entry as { response: { location: string } }[]).map((e) => e.response.location)
    const obs = await c.read('Observation', locations[1]!.split('/')[1]!)
    expect((obs.subject as { reference: string }).reference).toBe(locations[0]!.split('/_history')[0])
  })

  it('turns an OperationOutcome into a coded error without the server text', async () => {
    const error = (await client({ auth: { type: 'static', token: 'static-demo-token' } })
      .read('Patient', 'no-such-patient')
      .catch((e: unknown) => e)) as NexoraError
    expect(error).toBeInstanceOf(NexoraError)
    expect(error.code).toBe('fhir.not_found')
    expect(error.message).toMatch(/HTTP 404/)
    expect(error.message).not.toMatch(/no-such-patient/)
  })
})

describe('parsing', () => {
  it("parses every one of HL7's official R4 examples without error", () => {
    const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'))
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'package.json')
    expect(files.length).toBeGreaterThan(5000)
    const failures: string[] = []
    for (const file of files) {
      try {
        parseResource(JSON.parse(readFileSync(join(dir, file), 'utf8')))
      } catch (error) {
        failures.push(`${file}: ${(error as NexoraError).detail}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('names the element path of an invalid resource, never its value', () => {
    const error = (() => {
      try {
        parseResource({ resourceType: 'Observation', status: 'final', code: {}, valueQuantity: { value: 'seventy-two' } })
      } catch (e) {
        return e as NexoraError
      }
    })()
    expect(error).toMatchObject({ code: 'fhir.invalid_resource', issues: [{ path: 'Observation.valueQuantity.value' }] })
    expect(JSON.stringify(error!.issues)).not.toContain('seventy-two')
  })
})
