import { NexoraError } from '../../core/index.ts'
import './errors.ts'

/** A model server this plugin may call, and the credentials it gets (never anything from a manifest). */
export interface RemoteEndpoint {
  /** Its origin: scheme, host and port, e.g. `https://kserve.example` or `http://127.0.0.1:50051`. */
  origin: string
  /** A bearer token sent to this origin only, or a function that returns the current one. */
  token?: string | (() => string | Promise<string>)
}

/** The allowlist, keyed by normalised origin. */
export type Allowlist<E extends RemoteEndpoint = RemoteEndpoint> = ReadonlyMap<string, E>

/**
 * Check the configured endpoints once, when the plugin is created: each an http(s) origin with no
 * path, credentials or query, and none twice.
 * @throws NexoraError `config.invalid`, naming the entry by position (a token is never shown)
 */
export function allowlist<E extends RemoteEndpoint>(endpoints: readonly E[]): Allowlist<E> {
  const map = new Map<string, E>()
  endpoints.forEach((endpoint, i) => {
    const bad = (message: string) => new NexoraError('config.invalid', { detail: `model-remote endpoints[${i}].origin ${message}` })
    let url: URL
    try {
      url = new URL(endpoint.origin)
    } catch {
      throw bad('is not a URL')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('must be http or https')
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== ''))
      throw bad('must be an origin only (scheme, host, port)')
    if (map.has(url.origin)) throw bad('repeats an earlier entry')
    map.set(url.origin, endpoint)
  })
  return map
}

/**
 * The configured endpoint a manifest's URL belongs to: same scheme, host and port, exactly.
 * @throws NexoraError `remote.endpoint_not_allowed` (the detail names the origin, which a manifest's author chose)
 */
export function allowedEndpoint<E extends RemoteEndpoint>(list: Allowlist<E>, endpoint: string): E {
  const origin = new URL(endpoint).origin
  const found = list.get(origin)
  if (!found) throw new NexoraError('remote.endpoint_not_allowed', { detail: `${origin} is not among the configured model servers` })
  return found
}

/** The endpoint's current bearer token, if it has one. */
export async function bearerOf(endpoint: RemoteEndpoint): Promise<string | undefined> {
  const token = typeof endpoint.token === 'function' ? await endpoint.token() : endpoint.token
  return token ? `Bearer ${token}` : undefined
}
