/**
 * Issue 14: the FHIR client must send Nexora's backend credentials only to the configured
 * base URL. A hostile (or compromised) FHIR server answers paging links, redirects and a SMART
 * token endpoint that point elsewhere; a second real HTTP server plays the attacker and records
 * whatever reaches it. Both are real servers on 127.0.0.1 (different ports: different origins).
 */
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fhirPredictNexora } from '../../testkit/fhir-predict.ts'
import { exportJWK, generateKeyPair } from 'jose'
import type { AuditEvent, Nexora } from '../../core/index.ts'
import { createFhirClient, type FhirClientOptions } from '../../plugins/fhir/index.ts'
import { cliRunner } from '../../testkit/cli.ts'

interface Seen {
  path: string
  authorization: string | null
  body: string
}

async function listen(app: Hono): Promise<{ url: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, server }))
  })
}

const TOKEN = 'backend-secret-token'
const patient = { resourceType: 'Patient', id: 'p1', birthDate: '1950-01-01', gender: 'female' }
const observation = (id: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/p1' } })
const searchset = (resources: unknown[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
  entry: resources.map((resource) => ({ resource })),
})

/** Where the hostile server's links point this time (set per test). */
const hostile = { next: '', tokenEndpoint: '', redirect: '' }
const attackerSeen: Seen[] = []
const fhirSeen: Seen[] = []
let attacker: { url: string; server: ServerType }
let fhir: { url: string; server: ServerType }
let BASE: string

const record =
  (into: Seen[]) => async (c: { req: { path: string; header(n: string): string | undefined; text(): Promise<string> } }, next: () => Promise<void>) => {
    into.push({ path: c.req.path, authorization: c.req.header('authorization') ?? null, body: await c.req.text() })
    await next()
  }

beforeAll(async () => {
  // The attacker answers like a FHIR server, so a client that follows it reads its pages as the patient's record.
  const evil = new Hono()
  evil.use('*', record(attackerSeen))
  evil.get('*', (c) => c.json(searchset([observation('planted-1'), observation('planted-2')])))
  evil.post('*', (c) => c.json({ access_token: 'stolen', expires_in: 300 }))
  attacker = await listen(evil)

  const app = new Hono()
  app.use('*', record(fhirSeen))
  app.get('/fhir/.well-known/smart-configuration', (c) => c.json({ token_endpoint: hostile.tokenEndpoint }))
  app.post('/fhir/auth/token', (c) => c.json({ access_token: TOKEN, expires_in: 300 }))
  app.post('/fhir/auth/moved', (c) => c.redirect(`${attacker.url}/token`, 307))
  app.get('/fhir/Observation', (c) => c.json(c.req.query('page') === '2' ? searchset([observation('o2')]) : searchset([observation('o1')], hostile.next)))
  app.get('/fhir/Patient/p1/$everything', (c) =>
    c.json(c.req.query('page') === '2' ? searchset([observation('o2')]) : searchset([patient, observation('o1')], hostile.next)),
  )
  app.get('/fhir/Patient/moved', (c) => c.redirect(hostile.redirect, 302))
  app.get('/fhir/Patient/p1', (c) => c.json(patient))
  app.get('*', (c) => c.json(searchset([observation('same-origin-planted')])))
  fhir = await listen(app)
  BASE = `${fhir.url}/fhir`
})
afterAll(() => {
  attacker?.server.close()
  fhir?.server.close()
})
beforeEach(() => {
  attackerSeen.length = 0
  fhirSeen.length = 0
})

const client = (over: Partial<FhirClientOptions> = {}) => createFhirClient({ baseUrl: BASE, auth: { type: 'static', token: TOKEN }, retries: 0, ...over })
const drain = async (it: AsyncIterable<unknown>) => {
  const out: unknown[] = []
  for await (const x of it) out.push(x)
  return out
}
const offBase = () => fhirSeen.filter((s) => !s.path.startsWith('/fhir/'))

describe('paging links (search, $everything)', () => {
  it('refuses a next link on another origin with fhir.untrusted_link, and never contacts that origin', async () => {
    hostile.next = `${attacker.url}/fhir/Observation?page=2`
    await expect(drain(client().search('Observation', { patient: 'p1' }))).rejects.toMatchObject({ code: 'fhir.untrusted_link', status: 502 })
    await expect(client().everything('p1')).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(attackerSeen).toEqual([])
  })

  it('refuses a next link on the same origin but outside the base path, absolute or relative (../), and never fetches it', async () => {
    for (const next of [
      `${fhir.url}/admin/Observation?page=2`,
      '../admin/Observation?page=2',
      `${fhir.url}/fhir/..%2Fadmin/Observation?page=2`,
      `${fhir.url}/fhirx/Observation?page=2`,
    ]) {
      hostile.next = next
      const error = await drain(client().search('Observation', { patient: 'p1' })).catch((e: unknown) => e)
      expect(error, next).toMatchObject({ code: 'fhir.untrusted_link' })
      // The detail names the rule, never the link (it may carry search parameters, i.e. PHI).
      expect((error as Error).message).not.toContain('admin')
    }
    expect(offBase()).toEqual([])
  })

  it('refuses links with credentials or another scheme', async () => {
    for (const next of [`http://user:pw@${fhir.url.slice(7)}/fhir/Observation?page=2`, 'file:///etc/passwd', 'javascript:alert(1)']) {
      hostile.next = next
      await expect(drain(client().search('Observation', { patient: 'p1' })), next).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    }
  })

  it('follows next links on the base URL, absolute or relative, with the token', async () => {
    for (const next of [`${BASE}/Observation?page=2`, 'Observation?page=2']) {
      hostile.next = next
      fhirSeen.length = 0
      const ids = (await drain(client().search('Observation', { patient: 'p1' }))).map((r) => (r as { id: string }).id)
      expect(ids).toEqual(['o1', 'o2'])
      expect(fhirSeen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`])
    }
  })
})

describe('redirects', () => {
  it('never follows a redirect to another origin, so the token cannot travel with it', async () => {
    hostile.redirect = `${attacker.url}/steal`
    await expect(client().read('Patient', 'moved')).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(attackerSeen).toEqual([])
  })

  it('never follows a redirect off the base path on the same origin (where fetch would keep the Authorization header)', async () => {
    hostile.redirect = '/admin/steal'
    await expect(client().read('Patient', 'moved')).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(offBase()).toEqual([])
  })

  it('follows a redirect that stays on the base URL', async () => {
    hostile.redirect = `${BASE}/Patient/p1`
    expect((await client().read('Patient', 'moved')).id).toBe('p1')
    expect(fhirSeen.map((s) => [s.path, s.authorization])).toEqual([
      ['/fhir/Patient/moved', `Bearer ${TOKEN}`],
      ['/fhir/Patient/p1', `Bearer ${TOKEN}`],
    ])
  })
})

describe('SMART Backend Services discovery', () => {
  let key: { privateKey: CryptoKey; jwk: Record<string, unknown> }
  beforeAll(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true })
    key = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) }
  })
  const smart = (over: Partial<FhirClientOptions> = {}) =>
    client({ auth: { type: 'smart-backend', clientId: 'nexora', privateKey: key.privateKey, alg: 'ES384', scope: 'system/*.rs' }, ...over })

  it("refuses a token_endpoint that is neither https nor on the FHIR server's origin: the signed assertion is never sent there", async () => {
    hostile.tokenEndpoint = `${attacker.url}/token`
    await expect(smart().read('Patient', 'p1')).rejects.toMatchObject({ code: 'fhir.untrusted_link' })
    expect(attackerSeen).toEqual([])
  })

  it("uses a token_endpoint on the FHIR server's own origin", async () => {
    hostile.tokenEndpoint = `${fhir.url}/fhir/auth/token`
    expect((await smart().read('Patient', 'p1')).id).toBe('p1')
    expect(fhirSeen.at(-1)).toMatchObject({ path: '/fhir/Patient/p1', authorization: `Bearer ${TOKEN}` })
  })

  it('refuses a token endpoint that redirects (a 307 would resend the signed assertion to wherever it points)', async () => {
    hostile.tokenEndpoint = `${fhir.url}/fhir/auth/moved`
    await expect(smart().read('Patient', 'p1')).rejects.toMatchObject({ code: 'fhir.unauthorized' })
    expect(attackerSeen).toEqual([])
  })

  it('accepts an https token_endpoint on another origin (authorization servers often live apart)', async () => {
    const auth = new Hono()
    auth.post('/token', (c) => c.json({ access_token: TOKEN, expires_in: 300 }))
    // https://auth.example is served in-process; every other URL goes over real HTTP.
    const routed: typeof fetch = (input, init) => {
      const request = new Request(input, init)
      return new URL(request.url).origin === 'https://auth.example' ? Promise.resolve(auth.fetch(request)) : fetch(input, init)
    }
    hostile.tokenEndpoint = 'https://auth.example/token'
    expect((await smart({ fetch: routed }).read('Patient', 'p1')).id).toBe('p1')
    expect(fhirSeen.at(-1)).toMatchObject({ path: '/fhir/Patient/p1', authorization: `Bearer ${TOKEN}` })
  })
})

describe('every paged read: the FHIR front door and `nexora fhir pull`', () => {
  let nexora: Nexora
  let events: AuditEvent[]
  beforeAll(async () => {
    ;({ nexora, events } = await fhirPredictNexora(BASE, TOKEN))
  })

  it("POST /fhir/patient/{id}/predict answers a 502 OperationOutcome (fhir.untrusted_link), audited, and never reads the attacker's pages", async () => {
    hostile.next = `${attacker.url}/fhir/Patient/p1/$everything?page=2`
    const res = await nexora.app.request('/fhir/patient/p1/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-fhir' }),
    })
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('application/fhir+json')
    expect((await res.json()).issue[0].details.coding[0].code).toBe('fhir.untrusted_link')
    expect(attackerSeen).toEqual([])
    expect(events.at(-1)).toMatchObject({ action: 'predict.response', outcome: 'failure', reason: 'fhir.untrusted_link', patientRef: 'Patient/p1' })
  })

  it('`nexora fhir pull` exits 1 with fhir.untrusted_link and sends nothing to the attacker', async () => {
    hostile.next = `${attacker.url}/fhir/Patient/p1/$everything?page=2`
    const out = await cliRunner()('fhir', 'pull', '--server', BASE, '--patient', 'p1', '--token', TOKEN)
    expect([out.code, JSON.parse(out.stderr).code]).toEqual([1, 'fhir.untrusted_link'])
    expect(attackerSeen).toEqual([])
    hostile.next = `${BASE}/Patient/p1/$everything?page=2`
    const ok = await cliRunner()('fhir', 'pull', '--server', BASE, '--patient', 'p1', '--token', TOKEN)
    expect(JSON.parse(ok.stdout).entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['p1', 'o1', 'o2'])
    const notBase = await cliRunner()('fhir', 'pull', '--server', `${BASE}?tenant=1`, '--patient', 'p1', '--token', TOKEN)
    expect([notBase.code, notBase.stderr]).toEqual([2, expect.stringContaining('--server must be an http(s) base URL')])
  })
})
