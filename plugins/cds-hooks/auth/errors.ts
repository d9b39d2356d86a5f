import { errors } from 'jose'
import { NexoraError } from '../../../core/index.ts'

/** The stable reasons a CDS Client's JWT is refused (the error's `detail`); nothing more is revealed. */
export type CdsTokenReason =
  | 'token.missing'
  | 'token.malformed'
  | 'token.algorithm'
  | 'token.type'
  | 'token.kid_required'
  | 'token.issuer'
  | 'token.jku_not_allowed'
  | 'token.jku_required'
  | 'token.jwks_unavailable'
  | 'token.unknown_key'
  | 'token.signature'
  | 'token.audience'
  | 'token.expired'
  | 'token.not_yet_valid'
  | 'token.issued_in_future'
  | 'token.jti_required'
  | 'token.claims'

/** The 401 CDS Hooks expects, with an RFC 6750 challenge. */
export function cdsTokenError(reason: CdsTokenReason): NexoraError {
  const header = reason === 'token.missing' ? 'Bearer realm="nexora"' : 'Bearer realm="nexora", error="invalid_token"'
  return new NexoraError('auth.unauthenticated', { detail: reason, headers: { 'WWW-Authenticate': header } })
}

/** jose's verification failures as reasons. */
export function reasonFor(error: unknown): CdsTokenReason {
  if (error instanceof errors.JWTExpired) return 'token.expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'token.issuer'
    if (error.claim === 'aud') return 'token.audience'
    if (error.claim === 'jti') return 'token.jti_required'
    if (error.claim === 'nbf') return 'token.not_yet_valid'
    if (error.claim === 'typ') return 'token.type'
    return 'token.claims'
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token.signature'
  if (error instanceof errors.JWKSNoMatchingKey) return 'token.unknown_key'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token.algorithm'
  return 'token.malformed'
}
