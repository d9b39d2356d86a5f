import { beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_POLICIES } from '../../core/security/route-policy.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'
import type { NexoraConfig } from '../../core/index.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
})

async function secured(config: NexoraConfig = {}) {
  return toyNexora(config, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
}
const auth = async (scope: string, sub = 'clinician-1') => ({ authorization: `Bearer ${await sign(key, { scope, sub })}` })
const predictBody = { model: 'toy', rows: [{ patientId: 'Patient/7', features: { age: 50 } }] }

describe('route policy table', () => {
  it('covers every route in the OpenAPI document, and the docs routes', async () => {
    const { nexora } = await secured()
    const doc = await (await nexora.app.request('/openapi.json')).json()
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    expect(documented.length).toBeGreaterThanOrEqual(7)
    const missing = [...documented, 'GET /openapi.json', 'GET /docs', 'GET /docs/assets/:file'].filter((route) => !ROUTE_POLICIES[route])
    expect(missing).toEqual([])
  })

  it('keeps health, the OpenAPI document and the docs public', async () => {
    const { nexora } = await secured()
    for (const path of ['/health', '/openapi.json', '/docs']) expect((await nexora.app.request(path)).status, path).toBe(200)
  })

  it('refuses a route added without a policy (fail closed)', async () => {
    const { nexora, audit } = await secured()
    nexora.app.get('/backdoor', (c) => c.text('secret'))
    const res = await nexora.app.request('/backdoor', { headers: await auth('nexora/admin') })
    expect(res.status).toBe(403)
    expect(audit.events.at(-1)).toMatchObject({ action: 'auth.denied', reason: 'route.no_policy' })
  })
})

describe('authentication and authorisation over HTTP', () => {
  it('answers a missing token with 401, a Bearer challenge and problem+json, and audits it', async () => {
    const { nexora, audit } = await secured()
    const res = await nexora.app.request('/predict', post('', predictBody, { 'x-request-id': 'no-token' }))
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="nexora"')
    expect(await res.json()).toMatchObject({ code: 'auth.unauthenticated', detail: 'token.missing' })
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'auth.invalid_token',
        outcome: 'denied',
        reason: 'token.missing',
        requestId: res.headers.get('x-request-id'),
        actor: 'unauthenticated',
        context: { route: 'POST /predict', via: 'http', correlationId: 'no-token' },
      }),
    ])
  })

  it('answers a forged token with invalid_token and a stable code only', async () => {
    const { nexora } = await secured()
    const forger = await makeKey('ES384', 'k1')
    const res = await nexora.app.request('/models', { headers: { authorization: `Bearer ${await sign(forger, { scope: 'nexora/admin' })}` } })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="nexora", error="invalid_token"')
    const body = await res.json()
    expect(body.detail).toBe('token.signature')
    expect(JSON.stringify(body)).not.toMatch(/ECDSA|verif|key/i)
  })

  it('answers a missing scope with 403 insufficient_scope, and audits the denial', async () => {
    const { nexora, audit } = await secured()
    const res = await nexora.app.request('/predict', post('', predictBody, await auth('user/Patient.rs', 'nurse-3')))
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect(audit.events).toEqual([expect.objectContaining({ action: 'auth.denied', actor: 'nurse-3', reason: 'scope', outcome: 'denied' })])
  })

  it('lets a SMART system/RiskAssessment.c scope predict, and audits it under the token subject', async () => {
    const { nexora, audit } = await secured()
    const res = await nexora.app.request('/predict', post('', predictBody, await auth('system/RiskAssessment.c', 'ehr-backend')))
    expect(res.status).toBe(200)
    expect(audit.events.map((e) => [e.action, e.actor, e.patientRef])).toEqual([
      ['predict.request', 'ehr-backend', 'Patient/7'],
      ['predict.response', 'ehr-backend', 'Patient/7'],
    ])
  })

  it('records an access event for every allowed call that has no audit of its own', async () => {
    const { nexora, audit } = await secured()
    const res = await nexora.app.request('/models/toy', { headers: { ...(await auth('nexora/models.read', 'analyst')), 'x-request-id': 'read-1' } })
    expect(res.status).toBe(200)
    expect(audit.events).toEqual([
      expect.objectContaining({
        action: 'access',
        outcome: 'success',
        actor: 'analyst',
        requestId: res.headers.get('x-request-id'),
        context: { route: 'GET /models/:name', via: 'http', correlationId: 'read-1' },
      }),
    ])
  })

  it('limits each principal with a token bucket per route class, with RateLimit headers and Retry-After', async () => {
    const { nexora, audit } = await secured({ rateLimits: { predict: { capacity: 2, refillPerSecond: 0.5 } } })
    const headers = await auth('nexora/predict', 'busy')
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push(await nexora.app.request('/predict', post('', predictBody, headers)))
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429])
    expect(statuses[0]!.headers.get('ratelimit-limit')).toBe('2')
    expect(statuses[0]!.headers.get('ratelimit-remaining')).toBe('1')
    expect(Number(statuses[1]!.headers.get('ratelimit-reset'))).toBeGreaterThan(0)
    expect(statuses[2]!.headers.get('retry-after')).toBe('2')
    expect((await statuses[2]!.json()).code).toBe('rate.limited')
    expect(audit.events.at(-1)).toMatchObject({ action: 'rate.limited', actor: 'busy', reason: 'predict', outcome: 'denied' })
    // Another principal, and another class for the same principal, have their own buckets.
    expect((await nexora.app.request('/predict', post('', predictBody, await auth('nexora/predict', 'calm')))).status).toBe(200)
    expect((await nexora.app.request('/models', { headers })).status).toBe(200)
  })
})

describe('hardening', () => {
  it('sends security headers', async () => {
    const { nexora } = await secured()
    const res = await nexora.app.request('/health')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('strict-transport-security')).toContain('max-age=')
  })

  it('allows cross-origin calls only from the configured origins', async () => {
    const closed = await secured()
    const preflight = { method: 'OPTIONS', headers: { origin: 'https://ehr.example', 'access-control-request-method': 'POST' } }
    expect((await closed.nexora.app.request('/predict', preflight)).headers.get('access-control-allow-origin')).toBeNull()
    const open = await secured({ corsOrigins: ['https://ehr.example'] })
    expect((await open.nexora.app.request('/predict', preflight)).headers.get('access-control-allow-origin')).toBe('https://ehr.example')
    // A browser's gRPC-Web or Connect client may send its protocol headers.
    const grpcWeb = { ...preflight, headers: { ...preflight.headers, 'access-control-request-headers': 'x-grpc-web,content-type,authorization' } }
    expect((await open.nexora.app.request('/nexora.v1.PredictionService/Predict', grpcWeb)).headers.get('access-control-allow-headers')).toContain('x-grpc-web')
    const other = { ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } }
    expect((await open.nexora.app.request('/predict', other)).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a request that runs past the time limit with request.timeout', async () => {
    const { nexora } = await secured({ requestTimeoutMs: 20, routePolicies: { 'GET /slow': { access: 'public', rate: 'public', audit: 'handler' } } })
    nexora.app.get('/slow', async (c) => {
      await new Promise((r) => setTimeout(r, 200))
      return c.text('late')
    })
    const res = await nexora.app.request('/slow')
    expect([res.status, (await res.json()).code]).toEqual([503, 'request.timeout'])
  })

  it('logs each request by route pattern, never the path, a patient id or a value', async () => {
    const { nexora, logs } = await secured()
    await nexora.app.request('/models/toy', { headers: await auth('nexora/admin') })
    await nexora.app.request('/predict', post('', predictBody, await auth('nexora/predict')))
    const lines = logs.map((l) => JSON.parse(l)).filter((l) => l.event === 'http.request')
    expect(lines.map((l) => [l.route, l.status])).toEqual([
      ['GET /models/:name', 200],
      ['POST /predict', 200],
    ])
    expect(logs.join('\n')).not.toMatch(/Patient\/7|"age"|toy"/)
  })
})
