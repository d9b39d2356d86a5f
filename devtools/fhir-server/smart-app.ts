/**
 * SMART App Launch (EHR launch) and OpenID Connect for the dev server: the authorization code
 * grant with PKCE (S256 only) for public browser clients, auto-approved (no login page: it is a
 * dev server), and access tokens as ES384 JWTs signed with a key made at start-up and published
 * at `/.well-known/jwks.json`, so a resource server (Nexora) can verify them.
 *
 *   GET  /launch-demo?patient=<id>     the "EHR" launching the app: redirects to `<app launch URL>?iss=<base>&launch=<opaque>`
 *   GET  /auth/authorize               checks client, redirect URI, PKCE, aud and launch; redirects back with a code
 *   POST /auth/token                   grant_type=authorization_code: code + code_verifier → JWT, `patient`, id_token
 *   GET  /.well-known/openid-configuration, /.well-known/jwks.json
 *
 * Never for production: anyone who can reach it gets a token.
 */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK } from 'jose'
import type { Hono } from 'hono'

export interface SmartAppOptions {
  /** The `aud` of the access tokens: the resource server that accepts them (Nexora's audience). */
  audience: string
  /** Public clients allowed to ask for codes. Default `['nexora-ui']`. */
  clientIds?: string[]
  /** Exact redirect URIs allowed; default any `http(s)://localhost|127.0.0.1|[::1]` URL (dev). */
  redirectUris?: string[]
  /** Where `/launch-demo` sends the browser (the app's launch URL), unless `?app=` names a loopback one. */
  launchUrl?: string
  /** The signed-in "user": `sub` and `fhirUser`. Default `Practitioner/dev-clinician`. */
  user?: string
  /** Access-token lifetime. Default 3600 s. */
  tokenLifetimeSeconds?: number
  /** Scopes never granted through this flow. Default `['nexora/admin']`. */
  withheldScopes?: string[]
}

export interface SmartApp {
  /** The public key set the access tokens verify with. */
  jwks(): Promise<JSONWebKeySet>
  /** Set the app's launch URL (known only once the app listens). */
  setLaunchUrl(url: string): void
  /** Token-endpoint handler for `grant_type=authorization_code` (other grants go elsewhere). */
  exchange(form: URLSearchParams, base: string): Promise<{ status: number; body: Record<string, unknown> }>
  /** Extra members of `/.well-known/smart-configuration`. */
  configuration(base: string): Record<string, unknown>
}

export const SMART_APP_PATHS = ['/auth/authorize', '/launch-demo', '/.well-known/openid-configuration', '/.well-known/jwks.json']
/** Discovery, keys and the token endpoint are read by browsers on other origins (public clients). */
export const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, accept', 'access-control-allow-methods': 'GET, POST' }
const CODE_SECONDS = 60
const LAUNCH_SECONDS = 300
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const opaque = () => base64url(crypto.getRandomValues(new Uint8Array(24)))
export async function s256(verifier: string) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}
const isLoopbackUrl = (value: string) => {
  try {
    const u = new URL(value)
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK.has(u.hostname)
  } catch {
    return false
  }
}
/** RFC 7636: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

interface Pending {
  clientId: string
  redirectUri: string
  scope: string
  challenge: string
  patient?: string
  nonce?: string
  expires: number
}

export function createSmartApp(
  options: SmartAppOptions,
  deps: { clock: { now(): number }; patientExists(id: string): boolean },
): SmartApp & { register(app: Hono<any>, baseOf: (url: string) => string): void } {
  const clientIds = new Set(options.clientIds ?? ['nexora-ui'])
  const user = options.user ?? 'Practitioner/dev-clinician'
  const lifetime = options.tokenLifetimeSeconds ?? 3600
  const withheld = new Set(options.withheldScopes ?? ['nexora/admin'])
  let launchUrl = options.launchUrl
  const keys = (async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true })
    const kid = `dev-fhir-${opaque().slice(0, 8)}`
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }
    return { privateKey, kid, jwks: { keys: [jwk] } as JSONWebKeySet }
  })()
  const launches = new Map<string, { patient: string; expires: number }>()
  const codes = new Map<string, Pending>()
  const prune = (now: number) => {
    for (const [k, v] of launches) if (v.expires < now) launches.delete(k)
    for (const [k, v] of codes) if (v.expires < now) codes.delete(k)
  }
  const redirectAllowed = (uri: string) => (options.redirectUris ? options.redirectUris.includes(uri) : isLoopbackUrl(uri))

  async function sign(claims: Record<string, unknown>, base: string, audience: string, now: number) {
    const { privateKey, kid } = await keys
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES384', kid, typ: 'JWT' })
      .setIssuer(base)
      .setAudience(audience)
      .setSubject(user)
      .setJti(crypto.randomUUID())
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + lifetime)
      .sign(privateKey)
  }

  const smart: SmartApp = {
    jwks: async () => (await keys).jwks,
    setLaunchUrl: (url) => {
      launchUrl = url
    },
    configuration: (base) => ({
      authorization_endpoint: `${base}/auth/authorize`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    }),
    async exchange(form, base) {
      const fail = (error: string, description: string) => ({ status: 400, body: { error, error_description: description } })
      const now = deps.clock.now()
      prune(now)
      const code = form.get('code') ?? ''
      const pending = codes.get(code)
      // A code is single-use whatever the outcome.
      codes.delete(code)
      if (!pending) return fail('invalid_grant', 'the code is unknown, expired or already used')
      if (form.get('client_id') !== pending.clientId) return fail('invalid_grant', 'client_id does not match the authorization request')
      if (form.get('redirect_uri') !== pending.redirectUri) return fail('invalid_grant', 'redirect_uri does not match the authorization request')
      const verifier = form.get('code_verifier') ?? ''
      if (!VERIFIER.test(verifier)) return fail('invalid_request', 'code_verifier is required (43–128 characters)')
      if ((await s256(verifier)) !== pending.challenge)
        return fail('invalid_grant', 'PKCE verification failed: the code_verifier does not match the code_challenge')
      const scopes = pending.scope.split(' ')
      const context = pending.patient ? { patient: pending.patient } : {}
      const accessToken = await sign(
        { scope: pending.scope, client_id: pending.clientId, fhirUser: `${base}/${user}`, ...context },
        base,
        options.audience,
        now,
      )
      const idToken = scopes.includes('openid')
        ? await sign({ fhirUser: `${base}/${user}`, ...(pending.nonce ? { nonce: pending.nonce } : {}) }, base, pending.clientId, now)
        : undefined
      return {
        status: 200,
        body: {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: lifetime,
          scope: pending.scope,
          ...(idToken ? { id_token: idToken } : {}),
          ...(pending.patient ? { patient: pending.patient, need_patient_banner: true } : {}),
        },
      }
    },
  }

  function register(app: Hono<any>, baseOf: (url: string) => string) {
    app.get('/.well-known/jwks.json', async (c) => c.json(await smart.jwks(), 200, { ...CORS, 'cache-control': 'max-age=300' }))

    app.get('/.well-known/openid-configuration', (c) => {
      const base = baseOf(c.req.url)
      return c.json(
        {
          issuer: base,
          token_endpoint: `${base}/auth/token`,
          ...smart.configuration(base),
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES384'],
          token_endpoint_auth_methods_supported: ['none'],
          grant_types_supported: ['authorization_code'],
          scopes_supported: ['openid', 'fhirUser', 'nexora/predict', 'nexora/models.read'],
        },
        200,
        CORS,
      )
    })

    // The EHR side of an EHR launch: a user picked a patient and opened the app.
    app.get('/launch-demo', (c) => {
      const base = baseOf(c.req.url)
      const patient = c.req.query('patient') ?? ''
      const app = c.req.query('app') ?? launchUrl
      if (!patient || !deps.patientExists(patient))
        return c.json({ error: 'invalid_request', error_description: 'patient must name a Patient on this server' }, 400)
      if (!app || (c.req.query('app') !== undefined && !isLoopbackUrl(app)))
        return c.json({ error: 'invalid_request', error_description: 'no app launch URL: pass ?app=<loopback launch URL>' }, 400)
      const now = deps.clock.now()
      prune(now)
      const launch = opaque()
      launches.set(launch, { patient, expires: now + LAUNCH_SECONDS * 1000 })
      const target = new URL(app)
      target.searchParams.set('iss', base)
      target.searchParams.set('launch', launch)
      return c.redirect(target.href, 302)
    })

    app.get('/auth/authorize', (c) => {
      const base = baseOf(c.req.url)
      const q = (name: string) => c.req.query(name) ?? ''
      const clientId = q('client_id')
      const redirectUri = q('redirect_uri')
      // Errors about the client or its redirect URI are shown here, never redirected (RFC 6749 §4.1.2.1).
      if (!clientIds.has(clientId)) return c.json({ error: 'invalid_client', error_description: 'unknown client_id' }, 400)
      if (!redirectAllowed(redirectUri)) return c.json({ error: 'invalid_request', error_description: 'redirect_uri is not registered for this client' }, 400)
      const back = (params: Record<string, string>) => {
        const target = new URL(redirectUri)
        for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v)
        if (q('state')) target.searchParams.set('state', q('state'))
        return c.redirect(target.href, 302)
      }
      const refuse = (error: string, description: string) => back({ error, error_description: description })
      if (q('response_type') !== 'code') return refuse('unsupported_response_type', 'only response_type=code is supported')
      if (q('code_challenge_method') !== 'S256' || !CHALLENGE.test(q('code_challenge')))
        return refuse('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256')
      const requested = q('scope').split(/\s+/).filter(Boolean)
      const aud = c.req.query('aud')
      if (aud !== undefined && aud.replace(/\/$/, '') !== base) return refuse('invalid_request', "aud must be this FHIR server's base URL")
      const now = deps.clock.now()
      prune(now)
      let patient: string | undefined
      const launchParam = c.req.query('launch')
      if (launchParam !== undefined || requested.includes('launch')) {
        const launch = launches.get(launchParam ?? '')
        if (!launch) return refuse('invalid_request', 'the launch parameter is unknown or expired')
        if (aud === undefined) return refuse('invalid_request', 'an EHR launch needs aud')
        launches.delete(launchParam!)
        patient = launch.patient
      }
      const granted = requested.filter((s) => !withheld.has(s))
      if (granted.length === 0) return refuse('invalid_scope', 'no scope can be granted')
      const code = opaque()
      codes.set(code, {
        clientId,
        redirectUri,
        scope: granted.join(' '),
        challenge: q('code_challenge'),
        expires: now + CODE_SECONDS * 1000,
        ...(patient ? { patient } : {}),
        ...(q('nonce') ? { nonce: q('nonce') } : {}),
      })
      return back({ code })
    })

    app.options('/auth/token', () => new Response(null, { status: 204, headers: CORS }))
  }

  return { ...smart, register }
}
