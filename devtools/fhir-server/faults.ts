/**
 * Fault injection for client tests: queue failures (429 with Retry-After, 503…) for the next
 * requests, optionally only on some paths, and count every request received per path so a test
 * can assert that a client retried (and how often).
 */
export interface FaultOptions {
  /** Default 503. */
  status?: 429 | 500 | 502 | 503 | 504
  /** Seconds, or an HTTP date; sent as `Retry-After`. */
  retryAfter?: number | string
  /** Only requests whose path is this (or under it, e.g. `/Observation` covers `/Observation/1`), or matches this RegExp. */
  path?: string | RegExp
}

export interface Faults {
  /** Answer the next `n` matching requests with the failure, before auth and routing. */
  failNext(n: number, options?: FaultOptions): void
  /** Requests received on a path (query excluded), failures included; with no path, on all paths. */
  requests(path?: string): number
  /** Requests received per path. */
  readonly counts: ReadonlyMap<string, number>
  /** Injected failures still queued. */
  pending(): number
  /** Forget queued failures and counts. */
  reset(): void
}

export interface InjectedFault {
  status: number
  retryAfter?: string
}

export interface FaultController extends Faults {
  /** Count the request and, if a failure is queued for its path, take it. */
  take(path: string): InjectedFault | undefined
}

const matches = (rule: FaultOptions['path'], path: string) =>
  rule === undefined || (typeof rule === 'string' ? path === rule || path.startsWith(rule.endsWith('/') ? rule : `${rule}/`) : rule.test(path))

export function createFaults(): FaultController {
  const counts = new Map<string, number>()
  let queue: { remaining: number; options: FaultOptions }[] = []
  return {
    failNext(n, options = {}) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`failNext: n must be a non-negative integer, got ${n}`)
      if (n > 0) queue.push({ remaining: n, options })
    },
    requests: (path) => (path === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(path) ?? 0)),
    counts,
    pending: () => queue.reduce((n, f) => n + f.remaining, 0),
    reset() {
      counts.clear()
      queue = []
    },
    take(path) {
      counts.set(path, (counts.get(path) ?? 0) + 1)
      const fault = queue.find((f) => f.remaining > 0 && matches(f.options.path, path))
      if (!fault) return undefined
      fault.remaining--
      queue = queue.filter((f) => f.remaining > 0)
      const { status = 503, retryAfter } = fault.options
      return { status, ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}) }
    },
  }
}
