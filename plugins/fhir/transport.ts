import { NexoraError, traceHeaders, withSpan, type Clock, type TraceSpan } from '../../core/index.ts'
import { baseUrl, onBase } from './base-url.ts'
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
  /** With `stream`: the body, unread. */
  stream?: ReadableStream<Uint8Array> | null
}

export interface RequestOptions {
  body?: unknown
  /** GET, PUT and DELETE are; a POST only when the caller says so (e.g. a conditional create). */
  idempotent?: boolean
  /** Statuses that are an answer rather than an error (e.g. 404 for "try another way"). */
  accept?: number[]
  /** More request headers (`Prefer: respond-async` for Bulk Data). */
  headers?: Record<string, string>
  /** Answer the body unread (`FhirResponse.stream`), for NDJSON files; errors are still read and thrown. */
  stream?: boolean
  /** Any path on the base URL's host, not only under the base path (Bulk Data status URLs and files). */
  anyPathOnHost?: boolean
  /** What the call is (`read`, `search`, `everything`…): its span is `fhir.<operation>`. Default `request`. */
  operation?: string
}

/** A resource type (or `$operation`) may name a span; anything else in a path could be an id. */
const SPAN_SAFE_SEGMENT = /^\$?[A-Za-z][A-Za-z-]{0,63}$/

/** Redirects followed per request at most (each one is checked against the base URL). */
const MAX_REDIRECTS = 5
const REDIRECT = new Set([301, 302, 303, 307, 308])

interface Sent {
  response: Response
  context: string
}

/**
 * The fetch-based FHIR transport: relative URLs on the base, or absolute ones (a `next` link)
 * only on the base (`fhir.untrusted_link` otherwise); `application/fhir+json`, a time limit per
 * attempt, retries with jittered backoff (honouring Retry-After) on 429/5xx and network errors
 * for idempotent requests only, and one token refresh on a 401. Redirects are never left to
 * fetch (some runtimes keep `Authorization` across hosts, every one keeps it across paths): each
 * `Location` is checked against the base URL before it is requested.
 */
export function createTransport(options: TransportOptions) {
  const base = baseUrl(options.baseUrl)
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const retries = options.retries ?? 3

  async function authorization(): Promise<string | undefined> {
    const auth = options.auth
    if (!auth) return undefined
    return `Bearer ${auth.type === 'static' ? auth.token : await auth.provider.token()}`
  }

  /** The type (or first path segment) a URL addresses, for error details: never ids or parameters. */
  const contextOf = (method: string, url: string) => `${method} ${new URL(url).pathname.slice(base.path.length).split('/')[0] ?? ''}`

  /** One attempt: the request and any redirects on the base URL, with the credentials. */
  async function send(method: string, url: string, init: RequestOptions): Promise<Sent & { idle?: IdleTimeout }> {
    let body = init.body !== undefined ? JSON.stringify(init.body) : undefined
    for (let hops = 0; ; hops++) {
      const token = await authorization()
      // A streamed file may take minutes: its limit is on silence (no bytes for timeoutMs), not on the whole download.
      const idle = init.stream ? idleTimeout(options.timeoutMs ?? 15_000) : undefined
      const response = await options.fetch(url, {
        method,
        headers: {
          accept: 'application/fhir+json',
          ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
          ...init.headers,
          // W3C trace context, so the EHR's own traces join this request's (ids only, never PHI).
          ...traceHeaders(),
          ...(token ? { authorization: token } : {}),
        },
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: idle?.signal ?? AbortSignal.timeout(options.timeoutMs ?? 15_000),
      })
      const context = contextOf(method, url)
      // A browser hides a redirect's target from script: it cannot be checked, so it is not followed.
      if (response.type === 'opaqueredirect') throw new NexoraError('fhir.request_failed', { detail: `${context}: redirected where this runtime cannot check` })
      if (!REDIRECT.has(response.status)) return { response, context, idle }
      idle?.clear()
      await response.body?.cancel()
      const location = response.headers.get('location')
      if (!location) throw new NexoraError('fhir.request_failed', { detail: `${context}: HTTP ${response.status} without a Location` })
      if (hops >= MAX_REDIRECTS) throw new NexoraError('fhir.request_failed', { detail: `${context}: more than ${MAX_REDIRECTS} redirects` })
      url = onBase(base, location, 'a redirect', url)
      // As fetch would: 303 (and 301/302 after a POST) continue as a GET without the body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET'
        body = undefined
      }
    }
  }

  /**
   * Each call is one client span: the operation, the resource type, the server's host and the final
   * status and attempts. Never the URL's path or query, which carry patient ids and search values.
   */
  async function request(method: string, path: string, init: RequestOptions = {}): Promise<FhirResponse> {
    const attributes = { 'http.request.method': method, 'server.address': new URL(base.href).host }
    return withSpan(`fhir.${init.operation ?? 'request'}`, attributes, (span) => call(method, path, init, span), { kind: 'client' })
  }

  async function call(method: string, path: string, init: RequestOptions, span: TraceSpan): Promise<FhirResponse> {
    const url = onBase(
      base,
      /^[a-z][a-z0-9+.-]*:|^\/\//i.test(path) ? path : `${base.href}/${path.replace(/^\//, '')}`,
      'a link',
      undefined,
      init.anyPathOnHost ? 'origin' : 'base',
    )
    const idempotent = init.idempotent ?? method !== 'POST'
    let context = contextOf(method, url)
    const type = context.slice(method.length + 1)
    if (SPAN_SAFE_SEGMENT.test(type)) span.set({ 'fhir.resource_type': type })
    let refreshed = false
    for (let attempt = 0; ; attempt++) {
      let response: Response
      let idle: IdleTimeout | undefined
      try {
        ;({ response, context, idle } = await send(method, url, init))
        if (!(init.stream && response.ok)) idle?.clear()
      } catch (cause) {
        if (cause instanceof NexoraError) throw cause
        if (!idempotent || attempt >= retries)
          throw new NexoraError('fhir.unavailable', {
            detail: `${context}: ${(cause as Error)?.name === 'TimeoutError' ? 'timed out' : 'network error'}`,
            cause,
          })
        await sleep(retryDelayMs(attempt, null, options.clock.now(), options.random))
        continue
      }
      span.set({ 'http.response.status_code': response.status, 'nexora.fhir.attempts': attempt + 1 })
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
      if (init.stream && response.ok)
        return { status: response.status, body: undefined, headers: response.headers, stream: response.body && idle!.watch(response.body) }
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

  return request
}

export type Request = ReturnType<typeof createTransport>

interface IdleTimeout {
  signal: AbortSignal
  /** The body, passed through: each chunk restarts the clock, the end stops it. */
  watch(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array>
  clear(): void
}

/** Abort after `ms` without progress: before the headers, or between two chunks of the body. */
function idleTimeout(ms: number): IdleTimeout {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(new DOMException('no data within the time limit', 'TimeoutError')), ms)
  }
  arm()
  return {
    signal: controller.signal,
    watch: (body) =>
      body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, out) {
            arm()
            out.enqueue(chunk)
          },
          flush: () => clearTimeout(timer),
        }),
      ),
    clear: () => clearTimeout(timer),
  }
}
