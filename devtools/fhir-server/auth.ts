/**
 * SMART Backend Services for the dev server: the client_credentials grant with a private_key_jwt
 * client assertion, verified against the registered client's JWKS, and the opaque bearer tokens it
 * issues (plus optional static tokens). Scopes are SMART v1 (`system/Observation.read`) or v2
 * (`system/Observation.rs`) and are enforced per resource type and interaction.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384']
/** SMART: the assertion's exp is at most five minutes in the future. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300

export interface DevClient {
  clientId: string
  /** The client's public keys. */
  jwks: JSONWebKeySet
  /** Scopes the client may be granted, e.g. `system/*.rs`. Default: any `system/` scope it asks for. */
  scopes?: string[]
}

export interface ClientRegistry {
  register(client: DevClient): void
  get(clientId: string): DevClient | undefined
  list(): DevClient[]
}

export function createClientRegistry(initial: DevClient[] = []): ClientRegistry {
  const clients = new Map<string, DevClient>()
  const registry: ClientRegistry = {
    register(client) {
      if (!client.clientId || !Array.isArray(client.jwks?.keys)) throw new Error('a client needs a clientId and a JWKS ({ keys: [...] })')
      clients.set(client.clientId, client)
    },
    get: (clientId) => clients.get(clientId),
    list: () => [...clients.values()],
  }
  for (const client of initial) registry.register(client)
  return registry
}

/** c create, r read, u update, d delete, s search. */
type Permission = 'c' | 'r' | 'u' | 'd' | 's'
export type Interaction = 'read' | 'search' | 'create' | 'update'
const PERMISSION: Record<Interaction, Permission> = { read: 'r', search: 's', create: 'c', update: 'u' }

interface Scope {
  type: string
  permissions: Set<Permission>
}

const SCOPE = /^system\/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|c?r?u?d?s?)$/

/** A `system/` scope, v1 or v2 syntax; anything else (user/, patient/, openid…) is not for backend services. */
export function parseScope(scope: string): Scope | undefined {
  const m = SCOPE.exec(scope)
  if (!m || m[2] === '') return undefined
  const letters: Permission[] =
    m[2] === '*' ? ['c', 'r', 'u', 'd', 's'] : m[2] === 'read' ? ['r', 's'] : m[2] === 'write' ? ['c', 'u', 'd'] : ([...m[2]!] as Permission[])
  return { type: m[1]!, permissions: new Set(letters) }
}

const covers = (granted: Scope, wanted: Scope) =>
  (granted.type === '*' || granted.type === wanted.type) && [...wanted.permissions].every((p) => granted.permissions.has(p))

/** What a bearer token may do. */
export interface Grant {
  clientId: string
  scopes: Scope[]
}

export const FULL_ACCESS: Grant = { clientId: 'anonymous', scopes: [parseScope('system/*.*')!] }

export function allows(grant: Grant, type: string, interaction: Interaction): boolean {
  const permission = PERMISSION[interaction]
  return grant.scopes.some((s) => (s.type === '*' || s.type === type) && s.permissions.has(permission))
}

export interface TokenError {
  status: 400 | 401
  body: { error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'unsupported_grant_type'; error_description: string }
}

export interface TokenSuccess {
  status: 200
  body: { access_token: string; token_type: 'bearer'; expires_in: number; scope: string }
}

export interface TokenService {
  /** The token endpoint: `form` is the request's form body, `tokenUrl` the endpoint's own URL (the assertion's aud). */
  exchange(form: URLSearchParams, tokenUrl: string): Promise<TokenError | TokenSuccess>
  /** The grant behind an `Authorization` header, or why there is none. */
  authorize(header: string | undefined): Grant | { error: string }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const fail = (status: 400 | 401, error: TokenError['body']['error'], description: string): TokenError => ({
  status,
  body: { error, error_description: description },
})

export function createTokenService(options: {
  clients: ClientRegistry
  staticTokens?: string[]
  lifetimeSeconds?: number
  clock: { now(): number }
}): TokenService {
  const { clients, clock } = options
  const lifetime = options.lifetimeSeconds ?? 300
  const staticTokens = new Set(options.staticTokens ?? [])
  const issued = new Map<string, Grant & { expiresAt: number }>()
  // client|jti → the assertion's exp (ms): a replay is refused until then, and forgotten after.
  const seenJti = new Map<string, number>()

  function prune(now: number) {
    for (const [key, exp] of seenJti) if (exp < now) seenJti.delete(key)
    for (const [token, grant] of issued) if (grant.expiresAt <= now) issued.delete(token)
  }

  async function verifyAssertion(
    assertion: string,
    tokenUrl: string,
    clientIdParam: string | null,
  ): Promise<{ client: DevClient; jtiKey: string; exp: number } | TokenError> {
    let iss: unknown
    let alg: unknown
    try {
      iss = decodeJwt(assertion).iss
      alg = decodeProtectedHeader(assertion).alg
    } catch {
      return fail(401, 'invalid_client', 'client_assertion is not a JWT')
    }
    const client = typeof iss === 'string' ? clients.get(iss) : undefined
    if (!client) return fail(401, 'invalid_client', `unknown client: ${String(iss)}`)
    if (clientIdParam !== null && clientIdParam !== client.clientId) return fail(401, 'invalid_client', 'client_id does not match the assertion issuer')
    if (typeof alg !== 'string' || !ASSERTION_ALGORITHMS.includes(alg))
      return fail(401, 'invalid_client', `assertion alg must be one of ${ASSERTION_ALGORITHMS.join(', ')}`)
    const now = clock.now()
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.clientId,
        subject: client.clientId,
        audience: tokenUrl,
        requiredClaims: ['exp', 'jti'],
        currentDate: new Date(now),
      }))
    } catch (error) {
      const { code, claim } = error as { code?: string; claim?: string }
      return fail(401, 'invalid_client', `client_assertion rejected: ${code ?? 'invalid'}${claim ? ` (${claim})` : ''}`)
    }
    if (payload.exp! - now / 1000 > MAX_ASSERTION_LIFETIME_SECONDS)
      return fail(401, 'invalid_client', 'client_assertion exp is more than 5 minutes in the future')
    const jtiKey = `${client.clientId}|${payload.jti}`
    if (seenJti.has(jtiKey)) return fail(401, 'invalid_client', 'client_assertion jti was already used')
    return { client, jtiKey, exp: payload.exp! * 1000 }
  }

  return {
    async exchange(form, tokenUrl) {
      const grantType = form.get('grant_type')
      if (!grantType) return fail(400, 'invalid_request', 'grant_type is required')
      if (grantType !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'only client_credentials is supported')
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) return fail(400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`)
      const assertion = form.get('client_assertion')
      if (!assertion) return fail(400, 'invalid_request', 'client_assertion is required')
      const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean)
      if (requested.length === 0) return fail(400, 'invalid_request', 'scope is required')

      prune(clock.now())
      const verified = await verifyAssertion(assertion, tokenUrl, form.get('client_id'))
      if ('status' in verified) return verified
      const allowed = (verified.client.scopes ?? ['system/*.*']).map(parseScope).filter((s) => s !== undefined)
      const granted = requested.filter((s) => {
        const scope = parseScope(s)
        return scope !== undefined && allowed.some((a) => covers(a, scope))
      })
      if (granted.length === 0) return fail(400, 'invalid_scope', `none of the requested scopes can be granted: ${requested.join(' ')}`)

      seenJti.set(verified.jtiKey, verified.exp)
      const token = base64url(crypto.getRandomValues(new Uint8Array(32)))
      issued.set(token, { clientId: verified.client.clientId, scopes: granted.map((s) => parseScope(s)!), expiresAt: clock.now() + lifetime * 1000 })
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime, scope: granted.join(' ') } }
    },

    authorize(header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
      if (!m) return { error: 'a bearer token is required' }
      const token = m[1]!
      if (staticTokens.has(token)) return { ...FULL_ACCESS, clientId: 'static-token' }
      const grant = issued.get(token)
      if (!grant) return { error: 'unknown access token' }
      if (grant.expiresAt <= clock.now()) return { error: 'the access token has expired' }
      return grant
    },
  }
}
