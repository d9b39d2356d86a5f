import { NexoraError, type Clock } from '../../core/index.ts'
import './errors.ts'
import { refusedHost } from './address.ts'
import type { TrustedClient } from './auth/key-sets.ts'
import { fhirReader, type FhirReader } from './fhir-reader.ts'
import type { HookRequest } from './request-schema.ts'

export interface FhirAccessOptions {
  fetch: typeof fetch
  clock: Clock
  timeoutMs: number
  /** Accept `http:` FHIR servers (development only: the spec wants https for real data). */
  allowHttp: boolean
}

const trim = (url: string) => url.replace(/\/$/, '')
/** A configured URL as `URL` writes it (lower-case host, default port dropped), so spelling does not matter. */
const normal = (url: string) => {
  try {
    return trim(new URL(url).href)
  } catch {
    return trim(url)
  }
}

/** Is `base` one of the client's `fhirServers` (the same URL, or under it at a path boundary)? */
function allowlisted(base: string, client: TrustedClient | undefined): boolean {
  return client?.fhirServers?.some((allowed) => base === normal(allowed) || base.startsWith(`${normal(allowed)}/`)) ?? false
}

const refuse = (why: string) => new NexoraError('cds.fhir_server_refused', { detail: why })

/**
 * Check the request's `fhirServer` before anything could be sent to it: it must be a plain
 * base URL (no credentials, query or fragment); when the client has `fhirServers` it must be
 * one of them (which also admits a private address the operator named there on purpose); without
 * one it must not name a loopback, link-local, private or otherwise non-public address, nor a
 * `localhost` name. A refusal is `cds.fhir_server_refused` (400) whose detail names the rule,
 * never the URL. Returns the base URL to read from, or undefined when the request names none.
 */
export function checkFhirServer(request: HookRequest, client: TrustedClient | undefined): string | undefined {
  if (request.fhirServer === undefined) return undefined
  const url = new URL(request.fhirServer)
  if (url.username || url.password || url.search || url.hash) throw refuse('fhirServer must be a base URL without credentials, query or fragment')
  const base = trim(url.href)
  if (client?.fhirServers) {
    if (!allowlisted(base, client)) throw refuse('fhirServer is not among the fhirServers configured for this client')
    return base
  }
  const why = refusedHost(url.hostname)
  if (why) throw refuse(`fhirServer names a ${why} address; list it in the client's fhirServers to allow it`)
  return base
}

/**
 * A reader on the request's `fhirServer` with its `fhirAuthorization` token, or why the
 * service may not read there: no server or token, or not https. A `fhirServer` that may not be
 * contacted at all is refused first (see `checkFhirServer`). Reasons name the rule, never the URL.
 */
export function fhirAccess(request: HookRequest, client: TrustedClient | undefined, options: FhirAccessOptions): FhirReader | { unavailable: string } {
  const base = checkFhirServer(request, client)
  if (!base || !request.fhirAuthorization) return { unavailable: 'no fhirServer with fhirAuthorization' }
  const protocol = new URL(base).protocol
  if (protocol !== 'https:' && !(options.allowHttp && protocol === 'http:')) return { unavailable: 'fhirServer is not https' }
  return fhirReader({ baseUrl: base, token: request.fhirAuthorization.access_token, fetch: options.fetch, clock: options.clock, timeoutMs: options.timeoutMs })
}
