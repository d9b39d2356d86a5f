import type { JSONWebKeySet, JWTPayload } from 'jose'
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
}

/** Map verified claims to a Caller: `scope` (space-separated) or `scp` (array), `roles`, `tenant`. */
export function callerFromClaims(payload: JWTPayload): AuthenticatedCaller {
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : Array.isArray(payload.scp) ? payload.scp.map(String) : []
  return {
    subject: String(payload.sub),
    scopes: scope,
    roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
    ...(typeof payload.tenant === 'string' ? { tenant: payload.tenant } : {}),
  }
}

/**
 * Bearer-JWT authentication with jose (the `authenticator` port).
 * @example
 * jwtAuth({ jwks: { url: 'https://idp.example/jwks.json' }, issuers: ['https://idp.example'], audience: 'nexora' })
 */
export function jwtAuth(options: JwtAuthOptions) {
  return definePlugin({
    name: 'auth-jwt', provides: 'authenticator', requires: ['clock'],
    setup(ctx): Authenticator {
      const clock = ctx.get('clock') ?? systemClock
      const keys: KeySetSource = 'url' in options.jwks
        ? remoteJwks({ url: options.jwks.url, fetch: options.fetch, clock })
        : { get: async () => options.jwks as JSONWebKeySet, refreshForUnknownKid: async () => false }
      const verify = createTokenVerifier({ keys, issuers: options.issuers, audience: options.audience, algorithms: options.algorithms, clockSkewSeconds: options.clockSkewSeconds, clock })
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
export { remoteJwks } from './remote-jwks.ts'
export { jwtAuthFromEnv } from './from-env.ts'
