import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type ProtectedHeaderParameters } from 'jose'
import { LRUCache } from 'lru-cache'
import { findIllFormed, NexoraError, type Clock } from '../../core/index.ts'
import type { KeySetSource } from './remote-jwks.ts'

export interface VerifierOptions {
  keys: KeySetSource
  /** Accepted `iss` values. */
  issuers: string[]
  /** The expected `aud`. */
  audience: string | string[]
  /** Default RS384 and ES384. `none` and HS* are refused whatever this says. */
  algorithms?: string[]
  /** Allowed clock skew for exp, nbf and iat, in seconds. Default 30. */
  clockSkewSeconds?: number
  clock: Clock
}

/** The stable reason codes a rejected token gets (in `detail`); nothing more is revealed. */
export type TokenReason =
  | 'token.missing'
  | 'token.malformed'
  | 'token.algorithm'
  | 'token.kid_required'
  | 'token.unknown_key'
  | 'token.signature'
  | 'token.expired'
  | 'token.not_yet_valid'
  | 'token.issued_in_future'
  | 'token.issuer'
  | 'token.audience'
  | 'token.claims'
  | 'token.jti_required'
  | 'token.replayed'
  | 'token.jwks_unavailable'

export function tokenError(reason: TokenReason): NexoraError {
  const header = reason === 'token.missing' ? 'Bearer realm="nexora"' : `Bearer realm="nexora", error="invalid_token"`
  return new NexoraError('auth.unauthenticated', { detail: reason, headers: { 'WWW-Authenticate': header } })
}

function reasonFor(error: unknown): TokenReason {
  if (error instanceof errors.JWTExpired) return 'token.expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'token.issuer'
    if (error.claim === 'aud') return 'token.audience'
    if (error.claim === 'nbf') return 'token.not_yet_valid'
    return 'token.claims'
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token.signature'
  if (error instanceof errors.JWKSNoMatchingKey) return 'token.unknown_key'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token.algorithm'
  return 'token.malformed'
}

/**
 * Verify a bearer JWT with jose: algorithm allowlist (never `none` or HS*), a `kid` whenever
 * the key set has several keys, signature against the JWKS (refetched once for an unknown
 * kid), `iss` on the allowlist, `aud`, and `exp`/`nbf`/`iat` within the clock skew.
 * Verified tokens are cached until they expire, so a caller's repeated token costs one check.
 */
export function createTokenVerifier(options: VerifierOptions) {
  const algorithms = (options.algorithms ?? ['RS384', 'ES384']).filter((a) => a !== 'none' && !a.startsWith('HS'))
  const skew = options.clockSkewSeconds ?? 30
  const verified = new LRUCache<string, JWTPayload>({ max: 10_000, ttlAutopurge: false })
  let localFor: { keys: JSONWebKeySet; set: ReturnType<typeof createLocalJWKSet> } | undefined

  async function check(token: string, keys: JSONWebKeySet): Promise<JWTPayload> {
    if (localFor?.keys !== keys) localFor = { keys, set: createLocalJWKSet(keys) }
    const { payload } = await jwtVerify(token, localFor.set, {
      issuer: options.issuers,
      audience: options.audience,
      algorithms,
      clockTolerance: skew,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(options.clock.now()),
    })
    return payload
  }

  return async function verify(token: string): Promise<JWTPayload> {
    const hit = verified.get(token)
    const nowSeconds = options.clock.now() / 1000
    if (hit) {
      if ((hit.exp ?? 0) + skew > nowSeconds) return hit
      throw tokenError('token.expired')
    }
    let header: ProtectedHeaderParameters
    try {
      header = decodeProtectedHeader(token)
    } catch {
      throw tokenError('token.malformed')
    }
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw tokenError('token.algorithm')
    let keys = await options.keys.get()
    if (!header.kid && keys.keys.length > 1) throw tokenError('token.kid_required')
    let payload: JWTPayload
    try {
      try {
        payload = await check(token, keys)
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || !(await options.keys.refreshForUnknownKid())) throw error
        keys = await options.keys.get()
        payload = await check(token, keys)
      }
    } catch (error) {
      if (error instanceof NexoraError) throw error
      throw tokenError(reasonFor(error))
    }
    if (typeof payload.iat === 'number' && payload.iat > nowSeconds + skew) throw tokenError('token.issued_in_future')
    // A subject or patient the stores would keep as something else (`\ud800` and `\udbff` both as
    // U+FFFD) could pass for another in the audit trail: such a token names nobody reliably.
    if (findIllFormed(payload) !== undefined) throw tokenError('token.claims')
    verified.set(token, payload, { ttl: Math.max(1, ((payload.exp ?? nowSeconds) - nowSeconds) * 1000) })
    return payload
  }
}
