import { readdirSync, readFileSync } from 'node:fs'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../../core/index.ts'
import { createDevFhirServer, type DevFhirServer, generateFhirCohort } from '../../devtools/fhir-server/index.ts'
import { byPatientOf, getJson, listen, type Resource, type Running, send } from '../../testkit/dev-fhir-http.ts'
import { makeKey, type TestKey } from '../../testkit/tokens.ts'

const cohort = generateFhirCohort()
const byPatient = byPatientOf(cohort.resources as Resource[])

describe('dev FHIR server with SMART Backend Services', () => {
  let es: TestKey
  let rs: TestKey
  let other: TestKey
  let server: DevFhirServer
  let http: Running
  let tokenUrl: string

  beforeAll(async () => {
    ;[es, rs, other] = await Promise.all([makeKey('ES384', 'es-1'), makeKey('RS384', 'rs-1'), makeKey('ES384', 'other')])
    server = createDevFhirServer({ cohort, clients: [{ clientId: 'nexora-es', jwks: { keys: [es.jwk] } }] })
    server.clients.register({ clientId: 'nexora-rs', jwks: { keys: [rs.jwk] } })
    server.clients.register({ clientId: 'observations-only', jwks: { keys: [es.jwk] }, scopes: ['system/Observation.rs'] })
    http = await listen(server)
    tokenUrl = `${http.url}/auth/token`
  })
  afterAll(() => http.close())

  const assertion = (
    key: TestKey,
    clientId: string,
    claims: { aud?: string; exp?: number; jti?: string; iss?: string } = {},
    now = Math.floor(Date.now() / 1000),
  ) =>
    new SignJWT({})
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(claims.iss ?? clientId)
      .setSubject(clientId)
      .setAudience(claims.aud ?? tokenUrl)
      .setJti(claims.jti ?? crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(claims.exp ?? now + 240)
      .sign(key.privateKey)

  async function token(clientAssertion: string, scope = 'system/*.rs', url = tokenUrl) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      }),
    })
    return { status: res.status, body: (await res.json()) as any }
  }

  it('publishes its SMART configuration', async () => {
    const { status, body } = await getJson(`${http.url}/.well-known/smart-configuration`)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials'],
    })
    expect(body.scopes_supported).toContain('system/*.rs')
  })

  it('issues access tokens for valid ES384 and RS384 client assertions, and resources need one', async () => {
    const unauthenticated = await getJson(`${http.url}/Patient/pt-0001`)
    expect(unauthenticated.status).toBe(401)
    expect(unauthenticated.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] })
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await getJson(`${http.url}/Patient/pt-0001`, { authorization: 'Bearer made-up' })).status).toBe(401)
    expect((await getJson(`${http.url}/metadata`)).status).toBe(200)

    for (const [key, clientId] of [
      [es, 'nexora-es'],
      [rs, 'nexora-rs'],
    ] as const) {
      const { status, body } = await token(await assertion(key, clientId))
      expect(status, clientId).toBe(200)
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 300, scope: 'system/*.rs', access_token: expect.any(String) })
      const read = await getJson(`${http.url}/Patient/pt-0001`, { authorization: `Bearer ${body.access_token}` })
      expect(read.status).toBe(200)
      expect(read.body.id).toBe('pt-0001')
      // A read-only grant cannot write.
      expect((await send('POST', `${http.url}/Patient`, { resourceType: 'Patient' }, { authorization: `Bearer ${body.access_token}` })).status).toBe(403)
    }
  })

  it('rejects a wrong aud, an exp more than 5 minutes ahead, a replayed jti, an unknown client and a foreign key', async () => {
    const wrongAud = await token(await assertion(es, 'nexora-es', { aud: `${http.url}/other/token` }))
    expect(wrongAud).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    const now = Math.floor(Date.now() / 1000)
    const tooLong = await token(await assertion(es, 'nexora-es', { exp: now + 600 }, now))
    expect(tooLong).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    expect(tooLong.body.error_description).toMatch(/5 minutes/)
    const expired = await token(await assertion(es, 'nexora-es', { exp: now - 10 }, now - 100))
    expect(expired.status).toBe(401)

    const once = await assertion(es, 'nexora-es', { jti: 'jti-used-once' })
    expect((await token(once)).status).toBe(200)
    const replay = await token(once)
    expect(replay).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    expect(replay.body.error_description).toMatch(/jti/)
    expect((await token(await assertion(es, 'nexora-es', { jti: 'jti-used-once' }))).status).toBe(401)

    expect(await token(await assertion(es, 'stranger'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    expect(await token(await assertion(other, 'nexora-es'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    const badRequest = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=system/*.rs',
    })
    expect(badRequest.status).toBe(400)
    expect(await badRequest.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('grants only scopes the client may have, and enforces them per resource type', async () => {
    const refused = await token(await assertion(es, 'observations-only'), 'system/Patient.rs')
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_scope' } })
    const { body } = await token(await assertion(es, 'observations-only'), 'system/Observation.rs system/Patient.rs')
    expect(body.scope).toBe('system/Observation.rs')
    const auth = { authorization: `Bearer ${body.access_token}` }
    expect((await getJson(`${http.url}/Observation?patient=pt-0001&_count=1`, auth)).status).toBe(200)
    expect((await getJson(`${http.url}/Patient/pt-0001`, auth)).status).toBe(403)
  })

  it('expires access tokens after their lifetime', async () => {
    const clock = manualClock(Date.now())
    const timed = createDevFhirServer({
      resources: byPatient.get('pt-0001')!,
      clients: [{ clientId: 'c', jwks: { keys: [rs.jwk] } }],
      tokenLifetimeSeconds: 60,
      clock,
    })
    const running = await listen(timed)
    try {
      const { status, body } = await token(
        await assertion(rs, 'c', { aud: `${running.url}/auth/token` }, Math.floor(clock.now() / 1000)),
        'system/*.read',
        `${running.url}/auth/token`,
      )
      expect(status).toBe(200)
      expect(body.expires_in).toBe(60)
      const auth = { authorization: `Bearer ${body.access_token}` }
      expect((await getJson(`${running.url}/Patient/pt-0001`, auth)).status).toBe(200)
      clock.advance(61_000)
      expect((await getJson(`${running.url}/Patient/pt-0001`, auth)).status).toBe(401)
    } finally {
      await running.close()
    }
  })

  it('accepts configured static tokens', async () => {
    const running = await listen(createDevFhirServer({ resources: byPatient.get('pt-0002')!, staticTokens: ['dev-token'] }))
    try {
      expect((await getJson(`${running.url}/Patient/pt-0002`, { authorization: 'Bearer dev-token' })).status).toBe(200)
      expect((await getJson(`${running.url}/Patient/pt-0002`)).status).toBe(401)
    } finally {
      await running.close()
    }
  })
})

describe('dev FHIR server portability', () => {
  it('imports nothing runtime-specific outside main.ts (the app runs on Web standards only)', () => {
    const dir = new URL('../../devtools/fhir-server/', import.meta.url)
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'main.ts')
    expect(files).toEqual(expect.arrayContaining(['server.ts', 'cohort.ts', 'auth.ts', 'store.ts']))
    const offenders = files.filter((f) => /from ['"](node:|@hono\/node-server)/.test(readFileSync(new URL(f, dir), 'utf8')))
    expect(offenders).toEqual([])
  })
})
