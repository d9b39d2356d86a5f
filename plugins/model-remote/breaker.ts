import { NexoraError, type Clock } from '../../core/index.ts'
import './errors.ts'

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. Default 5. */
  failureThreshold?: number
  /** How long an open circuit refuses calls before one probe may go through. Default 30 s. */
  coolDownMs?: number
}

export type BreakerState = 'closed' | 'open' | 'half-open'

/** Failures that say the server is unwell. A 4xx (`remote.refused`) is an answer from a working server and does not count. */
const COUNTED = new Set(['remote.timeout', 'remote.unavailable', 'remote.bad_response'])

export interface Breaker {
  run<T>(call: () => Promise<T>): Promise<T>
  state(): BreakerState
}

/**
 * A circuit breaker for one endpoint: after `failureThreshold` failed calls in a row it fails
 * fast (`remote.circuit_open`) for `coolDownMs`, so a dead server costs each request nothing
 * instead of a timeout and retries; then one call probes it (half-open), and its outcome closes
 * the circuit or opens it for another cool-down. Calls made while the probe runs fail fast.
 */
export function createBreaker(options: BreakerOptions, clock: Clock): Breaker {
  const threshold = options.failureThreshold ?? 5
  const coolDownMs = options.coolDownMs ?? 30_000
  let failures = 0
  let openedAt: number | undefined
  let probing = false

  const state = (): BreakerState => (openedAt === undefined ? 'closed' : clock.now() - openedAt >= coolDownMs && !probing ? 'half-open' : 'open')

  return {
    state,
    async run(call) {
      const now = state()
      if (now === 'open') throw new NexoraError('remote.circuit_open', { detail: `after ${failures} failed calls; the next probe in at most ${coolDownMs} ms` })
      const probe = now === 'half-open'
      if (probe) probing = true
      try {
        const result = await call()
        failures = 0
        openedAt = undefined
        return result
      } catch (error) {
        if (error instanceof NexoraError && COUNTED.has(error.code)) {
          failures++
          if (probe || failures >= threshold) openedAt = clock.now()
        } else if (probe) {
          // The server answered (a 4xx): it is up, whatever it thought of the request.
          failures = 0
          openedAt = undefined
        }
        throw error
      } finally {
        if (probe) probing = false
      }
    },
  }
}
