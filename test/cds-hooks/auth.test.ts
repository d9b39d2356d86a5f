import { beforeAll, describe, expect, it } from 'vitest'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { BASE, cdsBench, EHR, JKU, MODEL, type CdsBench } from '../../testkit/cds-hooks.ts'
import { AUDIENCE, hsToken, ISSUER, makeKey, sign, unsignedToken, type TestKey } from '../../testkit/tokens.ts'

const SERVICE = `/cds-services/${MODEL}`
let b: CdsBench
let body: Record<string, unknown>
let stranger: TestKey
/** Every refusal audited in full (no flood window), so each check below finds its own event. */
const EACH_REFUSAL = { refusalAuditWindowMs: 0 }
beforeAll(async () => {
  b = await cdsBench({ config: EACH_REFUSAL })
  body = b.hookRequest('pt-0018', await b.prefetch('pt-0018'))
  stranger = await makeKey('ES384', 'ehr-key-1') // same kid as the EHR's key, different key pair
})

/** Call with a token that must be refused: 401, an OperationOutcome, a challenge, and an audited refusal; returns the reason code. */
async function refused(token: string, path = SERVICE): Promise<string> {
  const res = await b.call(path, path === SERVICE ? { ...body, hookInstance: crypto.randomUUID() } : undefined, token)
  expect(res.status).toBe(401)
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="nexora"/)
  const outcome = await res.json()
  expect(outcome).toMatchObject({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'login', details: { coding: [{ code: 'auth.unauthenticated' }] } }],
  })
  const reason = /: (token\.[a-z_]+)$/.exec(outcome.issue[0].diagnostics)![1]!
  expect(b.events().at(-1)).toMatchObject({
    actor: 'unauthenticated',
    action: 'auth.invalid_token',
    outcome: 'denied',
    reason,
    context: { route: `POST /cds-services/:id` },
  })
  return reason
}

describe('CDS Client JWT authentication', () => {
  it('accepts an ES384 JWT from a trusted issuer, its key set fetched once from the allowlisted jku, and audits the call as that client', async () => {
    const before = b.outbound.filter((o) => o.url === JKU).length
    for (let i = 0; i < 3; i++) {
      const res = await b.call(SERVICE, { ...body, hookInstance: crypto.randomUUID() }, await b.token(SERVICE, { tenant: 'hospital-7' }))
      expect(res.status).toBe(200)
      expect(
        b
          .events()
          .filter((e) => e.requestId === res.headers.get('x-request-id'))
          .map((e) => e.actor),
      ).toEqual([EHR, EHR])
    }
    expect(before).toBe(0)
    expect(b.outbound.filter((o) => o.url === JKU).length).toBe(1)
  })

  it('accepts aud as an array holding the URL called, and RS384', async () => {
    expect((await b.call(SERVICE, body, await b.token(SERVICE, { aud: [`${BASE}${SERVICE}`] }))).status).toBe(200)
    const rs = await makeKey('RS384', 'rs-1')
    const rsBench = await cdsBench({ extraKeys: [rs] })
    expect((await rsBench.call(SERVICE, body, await rsBench.token(SERVICE, {}, {}, rs))).status).toBe(200)
  })

  it('refuses a wrong aud: another service, the discovery URL, or another host', async () => {
    expect(await refused(await b.token('/cds-services/other-service'))).toBe('token.audience')
    expect(await refused(await b.token(SERVICE, { aud: `${BASE}/cds-services` }))).toBe('token.audience')
    expect(await refused(await b.token(SERVICE, { aud: `https://elsewhere.test${SERVICE}` }))).toBe('token.audience')
  })

  it('refuses an issuer that is not on the allowlist', async () => {
    expect(await refused(await b.token(SERVICE, { iss: 'https://unknown-ehr.test' }))).toBe('token.issuer')
  })

  it("refuses a jku that is not on the issuer's allowlist, without fetching it", async () => {
    const jku = 'https://attacker.test/jwks.json'
    expect(await refused(await b.token(SERVICE, {}, { jku }))).toBe('token.jku_not_allowed')
    expect(b.outbound.some((o) => o.url === jku)).toBe(false)
  })

  it('requires jti, exp and iat, and refuses a replayed jti', async () => {
    expect(await refused(await b.token(SERVICE, { jti: undefined }))).toBe('token.jti_required')
    expect(await refused(await b.token(SERVICE, { exp: undefined }))).toBe('token.claims')
    expect(await refused(await b.token(SERVICE, { iat: undefined }))).toBe('token.claims')
    const once = await b.token(SERVICE)
    expect((await b.call(SERVICE, body, once)).status).toBe(200)
    expect(await refused(once)).toBe('token.replayed')
  })

  it('refuses alg none and HS256, whatever the token claims', async () => {
    expect(await refused(unsignedToken({ iss: EHR, aud: `${BASE}${SERVICE}`, jti: 'x', iat: Math.floor(b.clock.now() / 1000) }))).toBe('token.algorithm')
    expect(await refused(await hsToken(JSON.stringify(b.key.jwk)))).toBe('token.algorithm')
  })

  it('refuses an expired token (beyond the clock skew) and one issued in the future', async () => {
    const now = Math.floor(b.clock.now() / 1000)
    expect(await refused(await b.token(SERVICE, { iat: now - 400, exp: now - 31 }))).toBe('token.expired')
    expect(await refused(await b.token(SERVICE, { iat: now + 120 }))).toBe('token.issued_in_future')
  })

  it('refuses a token without kid or typ JWT, a forged signature, a malformed or missing token', async () => {
    expect(await refused(await b.token(SERVICE, {}, { kid: undefined }))).toBe('token.kid_required')
    expect(await refused(await b.token(SERVICE, {}, { typ: 'at+jwt' }))).toBe('token.type')
    expect(await refused(await b.token(SERVICE, {}, {}, stranger))).toBe('token.signature')
    expect(await refused('not.a.jwt')).toBe('token.malformed')
    const bare = await b.nexora.app.request(SERVICE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect([bare.status, (await bare.json()).issue[0].diagnostics]).toEqual([401, 'Authentication is required: token.missing'])
  })

  it('authenticates discovery too (aud = /cds-services), unless discovery is configured public', async () => {
    expect((await b.call('/cds-services', undefined)).status).toBe(200)
    const noToken = await b.nexora.app.request('/cds-services')
    expect(noToken.status).toBe(401)
    const open = await cdsBench({ cds: { discovery: 'public' } })
    expect((await open.nexora.app.request('/cds-services')).status).toBe(200)
  })

  it('verifies against a key set configured for the issuer when the token names no jku, and needs one of the two', async () => {
    const configured = await cdsBench({ cds: (key) => ({ clients: [{ iss: EHR, jwks: { keys: [key.jwk] } }] }) })
    expect((await configured.call(SERVICE, body, await configured.token(SERVICE, {}, { jku: undefined }))).status).toBe(200)
    expect(configured.outbound.some((o) => o.url === JKU)).toBe(false)
    expect((await b.call(SERVICE, body, await b.token(SERVICE, {}, { jku: undefined }))).status).toBe(401)
    expect(b.events().at(-1)!.reason).toBe('token.jku_required')
  })
})

describe('the CDS authenticator applies to /cds-services only', () => {
  it("leaves the rest of the API to the installed authenticator, and refuses each kind of token on the other's routes", async () => {
    const api = await makeKey('ES384', 'api-1')
    const both = await cdsBench({ config: EACH_REFUSAL, plugins: [jwtAuth({ jwks: { keys: [api.jwk] }, issuers: [ISSUER], audience: AUDIENCE })] })
    const now = Math.floor(both.clock.now() / 1000)
    const apiToken = await sign(api, { scope: 'nexora/models.read nexora/predict' }, {}, now)
    const models = (bearer: string) => both.nexora.app.request('/models', { headers: { authorization: `Bearer ${bearer}` } })
    expect((await models(apiToken)).status).toBe(200)
    expect((await models(await both.token('/models'))).status).toBe(401)
    expect((await both.call(SERVICE, body, apiToken)).status).toBe(401)
    expect(both.events().at(-1)).toMatchObject({ action: 'auth.invalid_token', reason: 'token.issuer' })
    expect((await both.call(SERVICE, body)).status).toBe(200)
  })
})
