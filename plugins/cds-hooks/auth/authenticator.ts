import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose'
import { findIllFormed, NexoraError, SCOPES, type AuthenticatedCaller, type Authenticator, type Clock } from '../../../core/index.ts'
import { createReplayGuard } from '../../auth-jwt/index.ts'
import { cdsTokenError, reasonFor } from './errors.ts'
import { keySets, type TrustedClient } from './key-sets.ts'

/** The spec recommends ES384 and RS384, and forbids `none` and every symmetric (HS*) algorithm. */
const ALGORITHMS = ['ES384', 'RS384']

export interface CdsAuthOptions {
  clients: TrustedClient[]
  /** This service's public base URL: `aud` must be it plus the path called. */
  baseUrl: string
  clock: Clock
  fetch?: typeof fetch
  clockSkewSeconds?: number
}

/** The URL the client called, on our public base (a proxy may have rewritten the host and scheme). */
function audienceFor(baseUrl: string, calledUrl: string | undefined): string {
  if (!calledUrl) throw cdsTokenError('token.audience')
  return `${baseUrl.replace(/\/$/, '')}${new URL(calledUrl).pathname}`
}

/**
 * Authenticates a CDS Client the way CDS Hooks 2.0 says ("Trusting CDS Clients"): a bearer JWT
 * signed ES384 or RS384 with a `kid`, from an `iss` on the allowlist, verified against the JWK
 * Set its allowlisted `jku` names (or the key set configured for that issuer); `aud` the exact
 * URL called; `exp`, `iat` and `jti` present; a `jti` seen before is refused. Used by the
 * CDS Hooks routes only (their route policies name it), never for the rest of the API.
 * @example
 * const auth = cdsAuthenticator({ clients: [{ iss: 'https://ehr.example', jku: ['https://ehr.example/jwks'] }], baseUrl: 'https://cds.example', clock:
 * systemClock })
 * await auth.authenticate(request.headers, { audience: request.url })
 */
export function cdsAuthenticator(options: CdsAuthOptions): Authenticator {
  const clients = new Map(options.clients.map((c) => [c.iss, c]))
  const sets = keySets({ fetch: options.fetch, clock: options.clock })
  const assertFresh = createReplayGuard(options.clock)
  const skew = options.clockSkewSeconds ?? 30

  async function verify(token: string, header: ProtectedHeaderParameters, client: TrustedClient, audience: string): Promise<JWTPayload> {
    const source = sets.source(client, header.jku)
    const attempt = async () =>
      (
        await jwtVerify(token, sets.verifier(await source.get()), {
          issuer: client.iss,
          audience,
          algorithms: ALGORITHMS,
          typ: 'JWT',
          clockTolerance: skew,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
          currentDate: new Date(options.clock.now()),
        })
      ).payload
    try {
      try {
        return await attempt()
      } catch (error) {
        // Clients rotate keys: a kid we do not know yet may be in a fresh copy of the set.
        if (!(error instanceof errors.JWKSNoMatchingKey) || !(await source.refreshForUnknownKid())) throw error
        return await attempt()
      }
    } catch (error) {
      if (error instanceof NexoraError) throw error
      throw cdsTokenError(reasonFor(error))
    }
  }

  return {
    async authenticate(headers, request = {}) {
      const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(headers.get('authorization') ?? '')
      if (!match) throw cdsTokenError(headers.has('authorization') ? 'token.malformed' : 'token.missing')
      const token = match[1]!
      let header: ProtectedHeaderParameters
      let claims: JWTPayload
      try {
        header = decodeProtectedHeader(token)
        claims = decodeJwt(token)
      } catch {
        throw cdsTokenError('token.malformed')
      }
      if (typeof header.alg !== 'string' || !ALGORITHMS.includes(header.alg)) throw cdsTokenError('token.algorithm')
      if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') throw cdsTokenError('token.type')
      if (typeof header.kid !== 'string' || !header.kid) throw cdsTokenError('token.kid_required')
      // The unverified `iss` only picks the keys to verify with; jose then checks it again.
      const client = typeof claims.iss === 'string' ? clients.get(claims.iss) : undefined
      if (!client) throw cdsTokenError('token.issuer')
      const payload = await verify(token, header, client, audienceFor(options.baseUrl, request.audience))
      if ((payload.iat ?? 0) > options.clock.now() / 1000 + skew) throw cdsTokenError('token.issued_in_future')
      if (findIllFormed(payload) !== undefined) throw cdsTokenError('token.claims')
      assertFresh(payload)
      return {
        subject: client.iss,
        scopes: client.scopes ?? [SCOPES.predict],
        roles: ['cds-client'],
        ...(typeof payload.tenant === 'string' ? { tenant: payload.tenant } : {}),
      } satisfies AuthenticatedCaller
    },
  }
}
