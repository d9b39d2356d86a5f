import { createLocalJWKSet, type JSONWebKeySet } from 'jose'
import type { Clock } from '../../../core/index.ts'
import { remoteJwks, type KeySetSource } from '../../auth-jwt/index.ts'
import { cdsTokenError } from './errors.ts'

/** A CDS Client (EHR) this service trusts, by the `iss` its JWTs carry. */
export interface TrustedClient {
  iss: string
  /** JWK Set URLs the client may name in the JWT's `jku` header (exact match); only these are ever fetched. */
  jku?: string[]
  /** A key set exchanged out of band, used when a token names no `jku`. */
  jwks?: JSONWebKeySet
  /** What the client may do here. Default `nexora/predict` (invoke the services and send feedback). */
  scopes?: string[]
  /** Base URLs its `fhirServer` may have (prefix match). Default: any https URL. */
  fhirServers?: string[]
}

const LOCAL: KeySetSource['refreshForUnknownKid'] = async () => false

/**
 * The key sets of the trusted clients: one cached remote JWKS per allowlisted `jku` URL (shared
 * by every issuer that lists it), or the configured set. A `jku` off the client's allowlist is
 * refused before anything is fetched, so a token cannot make the service call a URL of its choosing.
 */
export function keySets(options: { fetch?: typeof fetch; clock: Clock }) {
  const remote = new Map<string, KeySetSource>()
  const verifiers = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>()
  return {
    source(client: TrustedClient, jku: string | undefined): KeySetSource {
      if (jku !== undefined) {
        if (!client.jku?.includes(jku)) throw cdsTokenError('token.jku_not_allowed')
        let source = remote.get(jku)
        if (!source) remote.set(jku, (source = remoteJwks({ url: jku, fetch: options.fetch, clock: options.clock })))
        return source
      }
      if (client.jwks) return { get: async () => client.jwks!, refreshForUnknownKid: LOCAL }
      throw cdsTokenError('token.jku_required')
    },
    /** jose's key selector for a set, built once per fetched set. */
    verifier(keys: JSONWebKeySet) {
      let verifier = verifiers.get(keys)
      if (!verifier) verifiers.set(keys, (verifier = createLocalJWKSet(keys)))
      return verifier
    },
  }
}
