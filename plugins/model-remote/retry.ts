import { NexoraError } from '../../core/index.ts'
import './errors.ts'

export interface RetryOptions {
  /** The first retry waits about this long, each next one twice as long (with jitter). Default 50 ms. */
  baseMs?: number
  /** No wait is longer. Default 1 s. */
  maxMs?: number
  /** For tests: how to wait, and the jitter's source. */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Run one remote call with a time limit per attempt and retries. Only `remote.unavailable` is
 * retried: the request never reached the model (no connection, reset before an answer) or the
 * server said 503 / UNAVAILABLE, so sending it again cannot score twice what was scored once.
 * A timeout is not retried: the server may still be working on it, and more load will not help.
 */
export async function withRetries<T>(
  send: (signal: AbortSignal) => Promise<T>,
  limits: { timeoutMs: number; retries: number },
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const random = options.random ?? Math.random
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(AbortSignal.timeout(limits.timeoutMs))
    } catch (error) {
      if (!(error instanceof NexoraError && error.code === 'remote.unavailable') || attempt >= limits.retries) throw error
      const cap = Math.min(options.maxMs ?? 1_000, (options.baseMs ?? 50) * 2 ** attempt)
      await sleep(cap / 2 + (cap / 2) * random())
    }
  }
}

/** Is this the abort of a time limit (fetch and Connect both surface it)? */
export const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'))
