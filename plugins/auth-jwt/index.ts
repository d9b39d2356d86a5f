import { decodeJwt, type JSONWebKeySet, type JWTPayload } from 'jose'
import { definePlugin, systemClock, type AuthenticatedCaller, type Authenticator } from '../../core/index.ts'
import { remoteJwks, type KeySetSource } from './remote-jwks.ts'
import { createReplayGuard } from './replay-guard.ts'
import { createTokenVerifier, tokenError } from './verify-token.ts'

export interface JwtAuthOptions {
  /** A local key set, or the URL of the issuer's JWKS. */
  jwks: JSONWebKeySet | { url: string }
  issuers: string[]
  audience: string | string[]
  algorithms?: string[]
  clockSkewSeconds?: number
  /** `required`: every token needs a fresh `jti` (CDS Hooks, SMART). Default `optional`: only when a caller asks. */
  replay?: 'required' | 'optional'
  fetch?: typeof fetch
  /**
   * More issuers, each verified only against its own key set (e.g. a SMART EHR's authorization
   * server beside the main identity provider). A token is checked against the entry that lists its
   * `iss`, else against `jwks`/`issuers`; an issuer's keys never vouch for another issuer.
   */
  trusted?: { issuers: string[]; jwks: JSONWebKeySet | { url: string } }[]
}

/** Map verified claims to a Caller: `scope` (space-separated) or `scp` (array), `roles`, `tenant`, the SMART launch `patient`. */
export function callerFromClaims(payload: JWTPayload): AuthenticatedCaller {
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : Array.isArray(payload.scp) ? payload.scp.map(String) : []
  return {
    subject: String(payload.sub),
    scopes: scope,
    roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
    ...(typeof payload.tenant === 'string' ? { tenant: payload.tenant } : {}),
    // SMART launch context: the token is limited to this patient (see Caller.patient).
    ...(typeof payload.patient === 'string' && payload.patient ? { patient: payload.patient } : {}),
  }
}

/**
 * Bearer-JWT authentication with jose (the `authenticator` port).
 * @example
 * jwtAuth({ jwks: { url: 'https://idp.example/jwks.json' }, issuers: ['https://idp.example'], audience: 'nexora' })
 */
export function jwtAuth(options: JwtAuthOptions) {
  return definePlugin({
    name: 'auth-jwt',
    provides: 'authenticator',
    requires: ['clock'],
    setup(ctx): Authenticator {
      const clock = ctx.get('clock') ?? systemClock
      const source = (jwks: JwtAuthOptions['jwks']): KeySetSource =>
        'url' in jwks
          ? remoteJwks({ url: jwks.url, fetch: options.fetch, clock })
          : { get: async () => jwks as JSONWebKeySet, refreshForUnknownKid: async () => false }
      const verifier = (jwks: JwtAuthOptions['jwks'], issuers: string[]) =>
        createTokenVerifier({
          keys: source(jwks),
          issuers,
          audience: options.audience,
          algorithms: options.algorithms,
          clockSkewSeconds: options.clockSkewSeconds,
          clock,
        })
      const main = verifier(options.jwks, options.issuers)
      const byIssuer = new Map(
        (options.trusted ?? []).flatMap((t) => {
          const v = verifier(t.jwks, t.issuers)
          return t.issuers.map((iss) => [iss, v] as const)
        }),
      )
      const verify =
        byIssuer.size === 0
          ? main
          : (token: string) => {
              let iss: unknown
              try {
                iss = decodeJwt(token).iss
              } catch {
                throw tokenError('token.malformed')
              }
              return (typeof iss === 'string' && !options.issuers.includes(iss) ? byIssuer.get(iss) : undefined)?.(token) ?? main(token)
            }
      const assertFresh = createReplayGuard(clock)
      return {
        async authenticate(headers, request = {}) {
          const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(headers.get('authorization') ?? '')
          if (!match) throw tokenError(headers.has('authorization') ? 'token.malformed' : 'token.missing')
          const payload = await verify(match[1]!)
          if (options.replay === 'required' || request.replayProtection) assertFresh(payload)
          return callerFromClaims(payload)
        },
      }
    },
  })
}

export { createTokenVerifier, tokenError, type TokenReason } from './verify-token.ts'
export { remoteJwks, type KeySetSource } from './remote-jwks.ts'
export { createReplayGuard } from './replay-guard.ts'
export { AUTH_SETTINGS, jwtAuthFromConfig, jwtAuthFromEnv, type JwtAuthFromConfigOptions } from './from-env.ts'
