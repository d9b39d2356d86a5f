import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import { manualClock, NexoraError, type Authenticator } from '../../core/index.ts'
import { resolvePlugins } from '../../core/plugin/resolve-plugins.ts'
import { jwtAuth, type JwtAuthOptions } from '../../plugins/auth-jwt/index.ts'
import { AUDIENCE, hsToken, ISSUER, makeKey, sign, unsignedToken, type TestKey } from '../../testkit/tokens.ts'

let es: TestKey, rs: TestKey, other: TestKey
beforeAll(async () => {
  ;[es, rs, other] = await Promise.all([makeKey('ES384', 'es-1'), makeKey('RS384', 'rs-1'), makeKey('ES384', 'es-other')])
})

const NOW = 1_800_000_000
async function authenticator(options: Partial<JwtAuthOptions> = {}, clock = manualClock(NOW * 1000)): Promise<Authenticator> {
  const ports = await resolvePlugins(
    [jwtAuth({ jwks: { keys: [es.jwk, rs.jwk] }, issuers: [ISSUER], audience: AUDIENCE, ...options })],
    {},
    { clock: () => clock },
    [],
  )
  return ports.get('authenticator')
}
const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` })

async function reason(auth: Authenticator, headers: Headers, opts?: { replayProtection?: boolean }): Promise<string | undefined> {
  try {
    await auth.authenticate(headers, opts)
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(NexoraError)
    expect((error as NexoraError).status).toBe(401)
    return (error as NexoraError).detail
  }
}

describe('JWT authentication (jose)', () => {
  it('accepts ES384 and RS384 tokens and maps claims to a caller', async () => {
    const auth = await authenticator()
    expect(await auth.authenticate(bearer(await sign(es, { scope: 'nexora/predict user/Patient.rs', roles: ['clinician'] }, {}, NOW)))).toEqual({
      subject: 'clinician-1',
      scopes: ['nexora/predict', 'user/Patient.rs'],
      roles: ['clinician'],
    })
    expect((await auth.authenticate(bearer(await sign(rs, {}, {}, NOW)))).subject).toBe('clinician-1')
  })

  it('refuses alg none, HS256 (even keyed with the public key), and algorithms off the allowlist', async () => {
    const auth = await authenticator()
    expect(await reason(auth, bearer(unsignedToken()))).toBe('token.algorithm')
    expect(await reason(auth, bearer(await hsToken(JSON.stringify(es.jwk))))).toBe('token.algorithm')
    const esOnly = await authenticator({ algorithms: ['ES384', 'HS256', 'none'] })
    expect(await reason(esOnly, bearer(await sign(rs, {}, {}, NOW)))).toBe('token.algorithm')
    expect(await reason(esOnly, bearer(await hsToken('secret')))).toBe('token.algorithm')
  })

  it('needs a kid when the key set has several keys, and refuses an unknown key', async () => {
    const auth = await authenticator()
    expect(await reason(auth, bearer(await sign(es, {}, { kid: null }, NOW)))).toBe('token.kid_required')
    expect(await reason(auth, bearer(await sign(other, {}, {}, NOW)))).toBe('token.unknown_key')
    // A forged token naming a known kid but signed by another key fails the signature.
    expect(await reason(auth, bearer(await sign({ ...other, kid: 'es-1' }, {}, {}, NOW)))).toBe('token.signature')
    const single = await authenticator({ jwks: { keys: [es.jwk] } })
    expect((await single.authenticate(bearer(await sign(es, {}, { kid: null }, NOW)))).subject).toBe('clinician-1')
  })

  it('checks iss, aud, exp, nbf and iat with the configured clock skew', async () => {
    const auth = await authenticator({ clockSkewSeconds: 30 })
    expect(await reason(auth, bearer(await sign(es, { iss: 'https://evil.test' }, {}, NOW)))).toBe('token.issuer')
    expect(await reason(auth, bearer(await sign(es, { aud: 'someone-else' }, {}, NOW)))).toBe('token.audience')
    expect(await reason(auth, bearer(await sign(es, { exp: NOW - 31 }, {}, NOW)))).toBe('token.expired')
    expect(await reason(auth, bearer(await sign(es, { exp: NOW - 20 }, {}, NOW)))).toBeUndefined()
    expect(await reason(auth, bearer(await sign(es, { nbf: NOW + 60 }, {}, NOW)))).toBe('token.not_yet_valid')
    expect(await reason(auth, bearer(await sign(es, { iat: NOW + 120 }, {}, NOW)))).toBe('token.issued_in_future')
  })

  it('refuses a validly signed token whose claims hold a lone surrogate or NUL (two such subjects would look alike once stored)', async () => {
    const auth = await authenticator()
    expect(await reason(auth, bearer(await sign(es, { sub: '\ud800' }, {}, NOW)))).toBe('token.claims')
    expect(await reason(auth, bearer(await sign(es, { patient: 'pt-1\u0000' }, {}, NOW)))).toBe('token.claims')
    expect(await reason(auth, bearer(await sign(es, { roles: ['ok', 'x\udc00'] }, {}, NOW)))).toBe('token.claims')
    expect((await auth.authenticate(bearer(await sign(es, { sub: 'clinicien-\u00e9\u{1F600}' }, {}, NOW)))).subject).toBe('clinicien-\u00e9\u{1F600}')
  })

  it('re-checks expiry of a cached token on every use', async () => {
    const clock = manualClock(NOW * 1000)
    const auth = await authenticator({ clockSkewSeconds: 0 }, clock)
    const token = await sign(es, { exp: NOW + 10 }, {}, NOW)
    expect(await reason(auth, bearer(token))).toBeUndefined()
    clock.advance(11_000)
    expect(await reason(auth, bearer(token))).toBe('token.expired')
  })

  it('tells a missing token from a malformed one, with RFC 6750 challenges', async () => {
    const auth = await authenticator()
    const missing = await auth.authenticate(new Headers()).catch((e: NexoraError) => e)
    expect(missing).toMatchObject({ detail: 'token.missing', headers: { 'WWW-Authenticate': 'Bearer realm="nexora"' } })
    const bad = await auth.authenticate(new Headers({ authorization: 'Basic dXNlcjpwYXNz' })).catch((e: NexoraError) => e)
    expect(bad).toMatchObject({ detail: 'token.malformed', headers: { 'WWW-Authenticate': 'Bearer realm="nexora", error="invalid_token"' } })
    expect(await reason(auth, bearer('not.a.jwt'))).toBe('token.malformed')
  })

  it('refuses a replayed jti where replay protection is required', async () => {
    const auth = await authenticator({ replay: 'required' })
    const token = await sign(es, { jti: 'once' }, {}, NOW)
    expect(await reason(auth, bearer(token))).toBeUndefined()
    expect(await reason(auth, bearer(token))).toBe('token.replayed')
    expect(await reason(auth, bearer(await sign(es, {}, {}, NOW)))).toBe('token.jti_required')
    const optional = await authenticator()
    const reused = await sign(es, { jti: 'twice' }, {}, NOW)
    expect(await reason(optional, bearer(reused))).toBeUndefined()
    expect(await reason(optional, bearer(reused))).toBeUndefined()
    expect(await reason(optional, bearer(reused), { replayProtection: true })).toBeUndefined()
    expect(await reason(optional, bearer(reused), { replayProtection: true })).toBe('token.replayed')
  })
})

describe('remote JWKS', () => {
  function issuer(maxAge: number | undefined) {
    const state = { keys: [] as object[], fetches: 0 }
    const app = new Hono().get('/jwks.json', (c) => {
      state.fetches++
      return c.json({ keys: state.keys }, 200, maxAge === undefined ? {} : { 'cache-control': `public, max-age=${maxAge}` })
    })
    const fetchJwks = ((input: string | URL | Request, init?: RequestInit) => app.request(String(input), init)) as typeof fetch
    return { state, fetchJwks }
  }

  it('honours Cache-Control max-age and refetches once it runs out', async () => {
    const { state, fetchJwks } = issuer(60)
    state.keys = [es.jwk]
    const clock = manualClock(NOW * 1000)
    const auth = await authenticator({ jwks: { url: 'https://idp.test/jwks.json' }, fetch: fetchJwks }, clock)
    for (let i = 0; i < 3; i++) await auth.authenticate(bearer(await sign(es, { jti: `a${i}` }, {}, NOW)))
    expect(state.fetches).toBe(1)
    clock.advance(61_000)
    await auth.authenticate(bearer(await sign(es, { jti: 'b' }, {}, NOW + 61)))
    expect(state.fetches).toBe(2)
  })

  it('refetches on an unknown kid (key rotation), at most once per cooldown', async () => {
    const { state, fetchJwks } = issuer(3600)
    state.keys = [es.jwk]
    const clock = manualClock(NOW * 1000)
    const auth = await authenticator({ jwks: { url: 'https://idp.test/jwks.json' }, fetch: fetchJwks }, clock)
    await auth.authenticate(bearer(await sign(es, {}, {}, NOW)))
    clock.advance(31_000)
    state.keys = [es.jwk, rs.jwk]
    expect((await auth.authenticate(bearer(await sign(rs, {}, {}, NOW + 31)))).subject).toBe('clinician-1')
    expect(state.fetches).toBe(2)
    // A flood of unknown kids right after does not hammer the issuer.
    for (let i = 0; i < 5; i++) expect(await reason(auth, bearer(await sign({ ...other, kid: `forged-${i}` }, {}, {}, NOW + 31)))).toBe('token.unknown_key')
    expect(state.fetches).toBe(2)
  })
})
