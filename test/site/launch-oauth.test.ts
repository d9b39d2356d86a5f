/**
 * The pieces behind sign-in and the SMART EHR launch, without a browser: the app's PKCE/state
 * logic (site/auth/oauth.ts), the dev FHIR server's SMART/OIDC authorization server, and Nexora's
 * jwtAuth trusting that server's tokens (and only for its own issuer).
 */
import { describe, expect, it } from 'vitest'
import { SignJWT, importJWK, exportJWK, generateKeyPair } from 'jose'
import { manualClock, NexoraError } from '../../core/index.ts'
import { resolvePlugins } from '../../core/plugin/resolve-plugins.ts'
import { createDevFhirServer } from '../../devtools/fhir-server/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { ApiError } from '../../site/api/client.ts'
import {
  authorizationUrl,
  callbackError,
  codeChallenge,
  discover,
  exchangeCode,
  PENDING_MAX_AGE_MS,
  randomToken,
  takePending,
  type PendingAuth,
} from '../../site/auth/oauth.ts'
import { returnRoute } from '../../site/pages/signin/index.tsx'

class MemoryStorage implements Storage {
  private map = new Map<string, string>()
  get length() {
    return this.map.size
  }
  clear() {
    this.map.clear()
  }
  getItem(k: string) {
    return this.map.get(k) ?? null
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.map.delete(k)
  }
  setItem(k: string, v: string) {
    this.map.set(k, String(v))
  }
}

const BASE = 'http://fhir.test'
const APP = 'http://127.0.0.1:9999'
const endpoints = { authorization_endpoint: `${BASE}/auth/authorize`, token_endpoint: `${BASE}/auth/token` }

describe('PKCE and state in the app (site/auth/oauth.ts)', () => {
  it('computes the RFC 7636 S256 challenge, and makes verifiers of a valid length', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')
    expect(randomToken(32)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(randomToken(32)).not.toBe(randomToken(32))
  })

  it('builds the authorize URL with S256, state and extra SMART parameters, and keeps the verifier under the state, once', async () => {
    const store = new MemoryStorage()
    const href = await authorizationUrl({
      kind: 'smart',
      endpoints,
      clientId: 'nexora-ui',
      scope: 'launch openid',
      redirectUri: `${APP}/callback`,
      params: { launch: 'L1', aud: BASE },
      iss: BASE,
      store,
      now: 1000,
    })
    const url = new URL(href)
    const q = Object.fromEntries(url.searchParams)
    expect(q).toMatchObject({
      response_type: 'code',
      client_id: 'nexora-ui',
      redirect_uri: `${APP}/callback`,
      scope: 'launch openid',
      launch: 'L1',
      aud: BASE,
      code_challenge_method: 'S256',
    })
    const pending = takePending(store, q.state!, 2000)!
    expect(pending).toMatchObject({ kind: 'smart', tokenEndpoint: endpoints.token_endpoint, iss: BASE })
    expect(await codeChallenge(pending.verifier)).toBe(q.code_challenge)
    // Single use, and a stranger's state finds nothing.
    expect(takePending(store, q.state!, 2000)).toBeUndefined()
    expect(takePending(store, 'forged', 2000)).toBeUndefined()
  })

  it('forgets a pending sign-in after ten minutes', async () => {
    const store = new MemoryStorage()
    const href = await authorizationUrl({ kind: 'oidc', endpoints, clientId: 'c', scope: 'openid', redirectUri: `${APP}/callback`, store, now: 0 })
    const state = new URL(href).searchParams.get('state')!
    expect(takePending(store, state, PENDING_MAX_AGE_MS + 1)).toBeUndefined()
    expect(store.length).toBe(0)
  })

  it('turns discovery, callback and token errors into titled ApiErrors', async () => {
    const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch
    await expect(
      discover('smart', BASE, (async () => {
        throw new TypeError('Failed to fetch')
      }) as typeof fetch),
    ).rejects.toMatchObject({ title: 'The EHR could not be reached' })
    await expect(discover('smart', BASE, answer(404, {}))).rejects.toMatchObject({ title: 'The EHR did not publish its SMART configuration' })
    await expect(discover('oidc', BASE, answer(200, { ...endpoints, code_challenge_methods_supported: ['plain'] }))).rejects.toMatchObject({
      title: 'The sign-in provider does not support PKCE with S256',
    })
    expect(await discover('oidc', BASE, answer(200, endpoints))).toMatchObject(endpoints)
    expect(callbackError('smart', new URLSearchParams({ error: 'access_denied', error_description: 'no' }))).toMatchObject({
      title: 'Access was denied',
      code: 'access_denied',
      detail: 'no',
    })
    const pending: PendingAuth = {
      kind: 'smart',
      tokenEndpoint: endpoints.token_endpoint,
      clientId: 'c',
      redirectUri: `${APP}/callback`,
      verifier: 'v',
      created: 0,
    }
    const refused = exchangeCode(pending, 'code', answer(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' }))
    await expect(refused).rejects.toBeInstanceOf(ApiError)
    await expect(refused).rejects.toMatchObject({ title: 'The sign-in could not be completed', code: 'invalid_grant' })
    await expect(exchangeCode(pending, 'code', answer(200, { token_type: 'Bearer' }))).rejects.toMatchObject({
      title: 'The token endpoint sent no access token',
    })
  })

  it("returns only to the app's own hash routes after signing in", () => {
    expect(returnRoute('#/models/readmission-risk')).toBe('#/models/readmission-risk')
    expect(returnRoute('#/patients/pt-0001')).toBe('#/patients/pt-0001')
    expect(returnRoute('')).toBe('#/patients')
    expect(returnRoute('#javascript:alert(1)')).toBe('#/patients')
  })
})

describe('the dev FHIR server as a SMART / OIDC authorization server', () => {
  const clock = manualClock(Date.parse('2026-07-01T00:00:00Z'))
  const dev = createDevFhirServer({ cohort: { patients: 3 }, staticTokens: ['t'], clock, smartApp: { audience: 'nexora', launchUrl: `${APP}/launch` } })
  const get = (path: string) => dev.app.request(`${BASE}${path}`, { redirect: 'manual' })
  const token = (form: Record<string, string>) =>
    dev.app.request(`${BASE}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) })

  /** /launch-demo → /launch?iss&launch → authorize with PKCE → code. */
  async function launch(overrides: Record<string, string> = {}) {
    const demo = await get('/launch-demo?patient=pt-0002')
    expect(demo.status).toBe(302)
    const launchUrl = new URL(demo.headers.get('location')!)
    expect(`${launchUrl.origin}${launchUrl.pathname}`).toBe(`${APP}/launch`)
    expect(launchUrl.searchParams.get('iss')).toBe(BASE)
    const verifier = randomToken(32)
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: 'nexora-ui',
      redirect_uri: `${APP}/callback`,
      scope: 'launch openid fhirUser patient/*.rs nexora/predict nexora/admin',
      state: 'st',
      aud: BASE,
      launch: launchUrl.searchParams.get('launch')!,
      code_challenge: await codeChallenge(verifier),
      code_challenge_method: 'S256',
      ...overrides,
    })
    const res = await get(`/auth/authorize?${q}`)
    return { res, verifier, back: res.status === 302 ? new URL(res.headers.get('location')!) : undefined }
  }

  it('publishes SMART and OpenID configuration with CORS, and its keys', async () => {
    const smart = (await (await get('/.well-known/smart-configuration')).json()) as Record<string, unknown>
    expect(smart).toMatchObject({
      authorization_endpoint: `${BASE}/auth/authorize`,
      token_endpoint: `${BASE}/auth/token`,
      code_challenge_methods_supported: ['S256'],
    })
    expect(smart.capabilities).toEqual(expect.arrayContaining(['launch-ehr', 'client-public', 'context-ehr-patient']))
    const oidc = await get('/.well-known/openid-configuration')
    expect(oidc.headers.get('access-control-allow-origin')).toBe('*')
    expect(await oidc.json()).toMatchObject({ issuer: BASE, jwks_uri: `${BASE}/.well-known/jwks.json` })
    expect(((await (await get('/.well-known/jwks.json')).json()) as { keys: unknown[] }).keys).toHaveLength(1)
  })

  it('runs the EHR launch: code for the verifier, an ES384 JWT for Nexora with the launch patient; admin is withheld', async () => {
    const { back, verifier } = await launch()
    expect(back!.searchParams.get('state')).toBe('st')
    const res = await token({
      grant_type: 'authorization_code',
      code: back!.searchParams.get('code')!,
      redirect_uri: `${APP}/callback`,
      client_id: 'nexora-ui',
      code_verifier: verifier,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const body = (await res.json()) as { access_token: string; patient: string; scope: string; id_token: string }
    expect(body.patient).toBe('pt-0002')
    expect(body.scope.split(' ')).not.toContain('nexora/admin')
    expect(body.id_token).toBeTruthy()
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString())
    expect(claims).toMatchObject({ iss: BASE, aud: 'nexora', sub: 'Practitioner/dev-clinician', patient: 'pt-0002' })
    expect(JSON.parse(Buffer.from(body.access_token.split('.')[0]!, 'base64url').toString()).alg).toBe('ES384')
  })

  it('refuses a wrong PKCE verifier, and a code used twice', async () => {
    const { back, verifier } = await launch()
    const code = back!.searchParams.get('code')!
    const wrong = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${APP}/callback`,
      client_id: 'nexora-ui',
      code_verifier: randomToken(32),
    })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('PKCE') })
    // The code died with the failed attempt.
    const retry = await token({ grant_type: 'authorization_code', code, redirect_uri: `${APP}/callback`, client_id: 'nexora-ui', code_verifier: verifier })
    expect(await retry.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses launches without PKCE, with a stale launch or a wrong aud, and never redirects to an unregistered URI', async () => {
    expect((await launch({ code_challenge_method: 'plain' })).back!.searchParams.get('error')).toBe('invalid_request')
    expect((await launch({ launch: 'made-up' })).back!.searchParams.get('error_description')).toContain('launch')
    expect((await launch({ aud: 'http://other.test' })).back!.searchParams.get('error_description')).toContain('aud')
    const evil = await launch({ redirect_uri: 'https://evil.example/callback' })
    expect([evil.res.status, evil.back]).toEqual([400, undefined])
    expect((await launch({ client_id: 'stranger' })).res.status).toBe(400)
    expect((await get('/launch-demo?patient=nobody')).status).toBe(400)
    expect((await get('/launch-demo?patient=pt-0001&app=https://evil.example/launch')).status).toBe(400)
  })

  it('issues tokens Nexora trusts for that issuer only', async () => {
    const { back, verifier } = await launch()
    const { access_token } = (await (
      await token({
        grant_type: 'authorization_code',
        code: back!.searchParams.get('code')!,
        redirect_uri: `${APP}/callback`,
        client_id: 'nexora-ui',
        code_verifier: verifier,
      })
    ).json()) as { access_token: string }
    const main = await generateKeyPair('ES384', { extractable: true })
    const mainJwk = { ...(await exportJWK(main.publicKey)), kid: 'main', alg: 'ES384' }
    const ports = await resolvePlugins(
      [jwtAuth({ jwks: { keys: [mainJwk] }, issuers: ['urn:nexora:dev'], audience: 'nexora', trusted: [{ issuers: [BASE], jwks: await dev.smart!.jwks() }] })],
      {},
      { clock: () => clock },
      [],
    )
    const auth = ports.get('authenticator')
    const caller = await auth.authenticate(new Headers({ authorization: `Bearer ${access_token}` }))
    expect(caller).toMatchObject({ subject: 'Practitioner/dev-clinician' })
    expect(caller.scopes).toContain('nexora/predict')
    // A token signed by the main key but claiming the EHR's issuer is refused (and the other way round).
    const forged = await new SignJWT({ scope: 'nexora/admin' })
      .setProtectedHeader({ alg: 'ES384', kid: 'main' })
      .setIssuer(BASE)
      .setAudience('nexora')
      .setSubject('x')
      .setIssuedAt(clock.now() / 1000)
      .setExpirationTime(clock.now() / 1000 + 60)
      .sign(await importJWK(await exportJWK(main.privateKey), 'ES384'))
    await expect(auth.authenticate(new Headers({ authorization: `Bearer ${forged}` }))).rejects.toBeInstanceOf(NexoraError)
    await expect(auth.authenticate(new Headers({ authorization: 'Bearer not.a.jwt' }))).rejects.toMatchObject({ detail: 'token.malformed' })
  })
})
