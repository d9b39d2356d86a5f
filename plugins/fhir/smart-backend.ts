import { importJWK, SignJWT, type JWK } from 'jose'
import { NexoraError, type Clock } from '../../core/index.ts'

export interface SmartBackendOptions {
  clientId: string
  /** The client's private key: a CryptoKey, or a private JWK. */
  privateKey: CryptoKey | JWK
  alg: 'RS384' | 'ES384'
  kid?: string
  /** e.g. `system/Patient.rs system/Observation.rs system/RiskAssessment.c` */
  scope: string
  /** Default: discovered from `<baseUrl>/.well-known/smart-configuration`. */
  tokenUrl?: string
  /** Refresh this long before expiry. Default 60 s. */
  refreshMarginSeconds?: number
}

export interface TokenProvider {
  /** A valid access token, fetched or refreshed as needed (concurrent callers share one request). */
  token(): Promise<string>
  /** Forget the cached token (the server said 401). */
  invalidate(): void
}

/**
 * The discovered token endpoint, if the client may send its signed assertion there: https, or
 * the FHIR server's own origin (a dev server on http). Another https origin is allowed because
 * authorization servers often live apart from the FHIR server, and the assertion's `aud` is
 * that endpoint, so it cannot be replayed at another. A plain-http endpoint elsewhere would let
 * anyone on the path read it, and credentials in the URL are never sent.
 */
function trustedTokenEndpoint(endpoint: string, fhirBase: string): string {
  let url: URL | undefined
  try {
    url = new URL(endpoint)
  } catch {
    url = undefined
  }
  const ok =
    url !== undefined && !url.username && !url.password && (url.protocol === 'https:' || (url.protocol === 'http:' && url.origin === new URL(fhirBase).origin))
  if (!ok)
    throw new NexoraError('fhir.untrusted_link', {
      detail: "the token_endpoint in smart-configuration is neither https nor on the FHIR server's origin; no assertion was sent",
    })
  return url!.href
}

/**
 * SMART Backend Services (client_credentials with a private_key_jwt assertion): discover the
 * token endpoint, sign the assertion (iss = sub = client_id, aud = token URL, jti, exp ≤ 5 min),
 * cache the access token and refresh it before it expires. Neither request follows a redirect:
 * a 307 from the token endpoint would resend the assertion wherever it pointed.
 */
export function smartBackendAuth(options: SmartBackendOptions, baseUrl: string, doFetch: typeof fetch, clock: Clock): TokenProvider {
  let cached: { token: string; expiresAt: number } | undefined
  let inflight: Promise<string> | undefined
  let tokenUrl = options.tokenUrl

  async function discover(): Promise<string> {
    if (tokenUrl) return tokenUrl
    const res = await doFetch(`${baseUrl.replace(/\/$/, '')}/.well-known/smart-configuration`, { headers: { accept: 'application/json' }, redirect: 'manual' })
    const config = res.ok ? ((await res.json().catch(() => undefined)) as { token_endpoint?: unknown } | undefined) : (await res.body?.cancel(), undefined)
    if (typeof config?.token_endpoint !== 'string')
      throw new NexoraError('fhir.unauthorized', { detail: `no token_endpoint in smart-configuration (HTTP ${res.status})` })
    tokenUrl = trustedTokenEndpoint(config.token_endpoint, baseUrl)
    return tokenUrl
  }

  async function fetchToken(): Promise<string> {
    const url = await discover()
    const key = 'kty' in options.privateKey ? await importJWK(options.privateKey as JWK, options.alg) : options.privateKey
    const now = Math.floor(clock.now() / 1000)
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: options.alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
      .setIssuer(options.clientId)
      .setSubject(options.clientId)
      .setAudience(url)
      .setJti(crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 240)
      .sign(key)
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: options.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    })
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'manual',
    })
    const json = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string }
    if (!res.ok || !json.access_token)
      throw new NexoraError('fhir.unauthorized', { detail: `token endpoint answered ${res.status}${json.error ? ` (${json.error})` : ''}` })
    cached = { token: json.access_token, expiresAt: clock.now() + (json.expires_in ?? 300) * 1000 }
    return json.access_token
  }

  return {
    token() {
      const margin = (options.refreshMarginSeconds ?? 60) * 1000
      if (cached && cached.expiresAt - margin > clock.now()) return Promise.resolve(cached.token)
      inflight ??= fetchToken().finally(() => {
        inflight = undefined
      })
      return inflight
    },
    invalidate() {
      cached = undefined
    },
  }
}
