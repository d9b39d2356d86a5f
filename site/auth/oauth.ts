/**
 * OAuth 2.0 authorization code + PKCE (RFC 7636, S256) for a public browser client, shared by the
 * OIDC sign-in and the SMART on FHIR EHR launch. The verifier and what the callback needs are kept
 * in this tab's sessionStorage under the `state` (single-use, ten minutes); `/callback` tells the
 * two flows apart by what it finds there. Every failure is an ApiError with a plain title (and the
 * server's OAuth `error` as its code), so the UI shows it like any API error, never a stack.
 */
import { ApiError } from '../api/client.ts'

export type AuthKind = 'oidc' | 'smart'

/** What `/callback` needs to finish, stored under the `state` it sent. */
export interface PendingAuth {
  kind: AuthKind
  tokenEndpoint: string
  clientId: string
  redirectUri: string
  verifier: string
  /** SMART: the FHIR base URL the EHR launched from. */
  iss?: string
  /** OIDC: the hash route to go back to once signed in. */
  returnTo?: string
  created: number
}

export interface AuthEndpoints {
  authorization_endpoint: string
  token_endpoint: string
  code_challenge_methods_supported?: string[]
}

export interface TokenResponse {
  access_token: string
  token_type?: string
  expires_in?: number
  scope?: string
  id_token?: string
  /** SMART launch context: the patient the EHR had open. */
  patient?: string
  encounter?: string
}

const PREFIX = 'nexora.oauth.'
export const PENDING_MAX_AGE_MS = 10 * 60_000

export function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A random URL-safe string: 32 bytes → 43 characters (a valid PKCE verifier, and a good `state`). */
export const randomToken = (bytes = 32) => base64url(crypto.getRandomValues(new Uint8Array(bytes)))

/** The S256 code challenge: BASE64URL(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

export function savePending(store: Storage, state: string, pending: PendingAuth) {
  store.setItem(PREFIX + state, JSON.stringify(pending))
}

/** The pending authorization for `state`, removed as it is read (a state works once); undefined if unknown or stale. */
export function takePending(store: Storage, state: string, now = Date.now()): PendingAuth | undefined {
  // Drop stale entries left by abandoned sign-ins as well.
  for (let i = store.length - 1; i >= 0; i--) {
    const key = store.key(i)
    if (!key?.startsWith(PREFIX)) continue
    const created = (safeParse(store.getItem(key)) as PendingAuth | undefined)?.created ?? 0
    if (now - created > PENDING_MAX_AGE_MS) store.removeItem(key)
  }
  if (!state) return undefined
  const raw = store.getItem(PREFIX + state)
  store.removeItem(PREFIX + state)
  const pending = safeParse(raw) as PendingAuth | undefined
  if (!pending || now - pending.created > PENDING_MAX_AGE_MS) return undefined
  return pending
}

function safeParse(text: string | null): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/**
 * The authorization server's endpoints from its discovery document: `<issuer>/.well-known/openid-configuration`
 * (OIDC) or `<iss>/.well-known/smart-configuration` (SMART). S256 must be on offer when the document lists methods.
 */
export async function discover(kind: AuthKind, issuer: string, fetchImpl: typeof fetch = fetch): Promise<AuthEndpoints> {
  const who = kind === 'smart' ? 'The EHR' : 'The sign-in provider'
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/${kind === 'smart' ? 'smart-configuration' : 'openid-configuration'}`
  let res: Response
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' } })
  } catch {
    throw new ApiError(0, `${who} could not be reached`)
  }
  const body = res.ok ? (safeParse(await res.text()) as Partial<AuthEndpoints> | undefined) : undefined
  if (!body || !isHttpUrl(body.authorization_endpoint) || !isHttpUrl(body.token_endpoint)) {
    throw new ApiError(res.status, `${who} did not publish its ${kind === 'smart' ? 'SMART' : 'OpenID'} configuration`)
  }
  if (Array.isArray(body.code_challenge_methods_supported) && !body.code_challenge_methods_supported.includes('S256')) {
    throw new ApiError(400, `${who} does not support PKCE with S256`)
  }
  return body as AuthEndpoints
}

export interface AuthorizeRequest {
  kind: AuthKind
  endpoints: AuthEndpoints
  clientId: string
  scope: string
  redirectUri: string
  /** More authorize parameters: SMART's `launch` and `aud`. */
  params?: Record<string, string>
  iss?: string
  returnTo?: string
  store: Storage
  now?: number
}

/** Store a fresh verifier under a fresh state and return the authorization URL to send the browser to. */
export async function authorizationUrl(request: AuthorizeRequest): Promise<string> {
  const verifier = randomToken(32)
  const state = randomToken(24)
  savePending(request.store, state, {
    kind: request.kind,
    tokenEndpoint: request.endpoints.token_endpoint,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    verifier,
    ...(request.iss ? { iss: request.iss } : {}),
    ...(request.returnTo ? { returnTo: request.returnTo } : {}),
    created: request.now ?? Date.now(),
  })
  const url = new URL(request.endpoints.authorization_endpoint)
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
    ...request.params,
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.href
}

const short = (text: unknown) => (typeof text === 'string' ? text.slice(0, 300) : undefined)

/** An `error` the authorization server sent back to /callback, as an ApiError. */
export function callbackError(kind: AuthKind | undefined, params: URLSearchParams): ApiError {
  const error = params.get('error') ?? 'server_error'
  const title = error === 'access_denied' ? 'Access was denied' : kind === 'smart' ? 'The EHR refused the launch' : 'The sign-in provider refused the sign-in'
  return new ApiError(400, title, error, short(params.get('error_description')))
}

/** Exchange the code (with the verifier) at the token endpoint. */
export async function exchangeCode(pending: PendingAuth, code: string, fetchImpl: typeof fetch = fetch): Promise<TokenResponse> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    client_id: pending.clientId,
    code_verifier: pending.verifier,
  })
  let res: Response
  try {
    res = await fetchImpl(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    })
  } catch {
    throw new ApiError(0, 'The token endpoint could not be reached')
  }
  const json = safeParse(await res.text()) as (Partial<TokenResponse> & { error?: string; error_description?: string }) | undefined
  if (!res.ok) throw new ApiError(res.status, 'The sign-in could not be completed', json?.error, short(json?.error_description))
  if (!json || typeof json.access_token !== 'string' || !json.access_token) throw new ApiError(res.status, 'The token endpoint sent no access token')
  return json as TokenResponse
}

/** A FHIR resource id (as the launch context's `patient` must be). */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/
