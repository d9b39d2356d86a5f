import { NexoraError, type Clock } from '../../core/index.ts'
import { fhirError } from './outcome.ts'
import { RETRYABLE_STATUS, retryDelayMs } from './retry.ts'
import type { TokenProvider } from './smart-backend.ts'

export interface TransportOptions {
  baseUrl: string
  fetch: typeof fetch
  clock: Clock
  random: () => number
  /** Per attempt. Default 15 s. */
  timeoutMs?: number
  /** Retries after the first attempt, for idempotent requests. Default 3. */
  retries?: number
  sleep?: (ms: number) => Promise<void>
  auth?: { type: 'static'; token: string } | { type: 'provider'; provider: TokenProvider }
}

export interface FhirResponse {
  status: number
  body: unknown
  headers: Headers
}

export interface RequestOptions {
  body?: unknown
  /** GET, PUT and DELETE are; a POST only when the caller says so (e.g. a conditional create). */
  idempotent?: boolean
  /** Statuses that are an answer rather than an error (e.g. 404 for "try another way"). */
  accept?: number[]
}

/**
 * The fetch-based FHIR transport: absolute or relative URLs, `application/fhir+json`, a time
 * limit per attempt, retries with jittered backoff (honouring Retry-After) on 429/5xx and network
 * errors for idempotent requests only, and one token refresh on a 401.
 */
export function createTransport(options: TransportOptions) {
  const base = options.baseUrl.replace(/\/$/, '')
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const retries = options.retries ?? 3

  async function authorization(): Promise<string | undefined> {
    const auth = options.auth
    if (!auth) return undefined
    return `Bearer ${auth.type === 'static' ? auth.token : await auth.provider.token()}`
  }

  return async function request(method: string, path: string, init: RequestOptions = {}): Promise<FhirResponse> {
    const url = /^https?:\/\//.test(path) ? path : `${base}/${path.replace(/^\//, '')}`
    const idempotent = init.idempotent ?? method !== 'POST'
    const context = `${method} ${url.replace(base, '').split('?')[0]?.split('/')[1] ?? ''}`
    let refreshed = false
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        const token = await authorization()
        response = await options.fetch(url, {
          method,
          headers: {
            accept: 'application/fhir+json',
            ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
            ...(token ? { authorization: token } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
      } catch (cause) {
        if (cause instanceof NexoraError) throw cause
        if (!idempotent || attempt >= retries) throw new NexoraError('fhir.unavailable', { detail: `${context}: ${(cause as Error)?.name === 'TimeoutError' ? 'timed out' : 'network error'}`, cause })
        await sleep(retryDelayMs(attempt, null, options.clock.now(), options.random))
        continue
      }
      if (response.status === 401 && options.auth?.type === 'provider' && !refreshed) {
        refreshed = true
        options.auth.provider.invalidate()
        await response.body?.cancel()
        continue
      }
      if (RETRYABLE_STATUS.has(response.status) && idempotent && attempt < retries) {
        await response.body?.cancel()
        await sleep(retryDelayMs(attempt, response.headers.get('retry-after'), options.clock.now(), options.random))
        continue
      }
      const text = await response.text()
      let body: unknown
      try {
        body = text ? JSON.parse(text) : undefined
      } catch {
        throw new NexoraError('fhir.invalid_resource', { detail: `${context}: the response is not JSON` })
      }
      if (response.ok || init.accept?.includes(response.status)) return { status: response.status, body, headers: response.headers }
      throw fhirError(response.status, body, context)
    }
  }
}

export type Request = ReturnType<typeof createTransport>
