import type { Clock } from '../../core/index.ts'
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

/**
 * A reader on the request's `fhirServer` with its `fhirAuthorization` token, or why the
 * service may not read there: no server or token, not https, or not among the servers
 * configured for this client. The reason names the rule, never the URL.
 */
export function fhirAccess(request: HookRequest, client: TrustedClient | undefined, options: FhirAccessOptions): FhirReader | { unavailable: string } {
  if (!request.fhirServer || !request.fhirAuthorization) return { unavailable: 'no fhirServer with fhirAuthorization' }
  const url = new URL(request.fhirServer)
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) return { unavailable: 'fhirServer is not https' }
  const base = url.href.replace(/\/$/, '')
  if (client?.fhirServers && !client.fhirServers.some((allowed) => base === allowed.replace(/\/$/, '') || base.startsWith(`${allowed.replace(/\/$/, '')}/`))) {
    return { unavailable: 'fhirServer is not allowed for this client' }
  }
  return fhirReader({ baseUrl: base, token: request.fhirAuthorization.access_token, fetch: options.fetch, clock: options.clock, timeoutMs: options.timeoutMs })
}
