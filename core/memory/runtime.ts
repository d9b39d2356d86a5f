import type { Clock, LogFields, Logger, Random } from '../ports/runtime.ts'
import { activeTraceIds } from '../tracing.ts'

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests move by hand. */
export function manualClock(start = 0): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = start
  return {
    now: () => now,
    advance: (ms) => {
      now += ms
    },
    set: (ms) => {
      now = ms
    },
  }
}

/**
 * A seeded PRNG (mulberry32): the same seed gives the same stream on every runtime,
 * which is what deterministic training and synthetic data need.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0
      let t = a
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}

/** Fields a log line may carry. Patient ids, feature values and free text are not among them. */
export const LOG_FIELD_ALLOWLIST = new Set([
  'requestId',
  'method',
  'route',
  'status',
  'durationMs',
  'model',
  'version',
  'code',
  'port',
  'plugin',
  'rows',
  'events',
  'url',
  'host',
  'signal',
  'count',
  'db',
])

export interface LoggerOptions {
  /** Where JSON lines go (default: `console.error`, i.e. stderr: stdout stays for program output). */
  write?: (line: string) => void
  level?: 'info' | 'warn' | 'error' | 'silent'
  /** Extra allowed field names. */
  allow?: string[]
  clock?: Clock
}

const LEVELS = { info: 0, warn: 1, error: 2, silent: 3 } as const

/**
 * A JSON-lines logger that drops every field outside the allowlist. A line written inside a
 * traced span carries its `traceId` and `spanId` (random W3C ids, never PHI), so logs and traces join.
 * @example
 * createLogger().info('server.listening', { port: 8000 })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => console.error(line))
  const threshold = LEVELS[options.level ?? 'info']
  const allow = new Set([...LOG_FIELD_ALLOWLIST, ...(options.allow ?? [])])
  const clock = options.clock ?? systemClock
  const emit =
    (level: 'info' | 'warn' | 'error') =>
    (event: string, fields: LogFields = {}) => {
      if (LEVELS[level] < threshold) return
      const safe: LogFields = {}
      for (const [k, v] of Object.entries(fields)) if (allow.has(k) && v !== undefined) safe[k] = v
      // Set after the caller's fields: a caller cannot forge the ids of another trace.
      write(JSON.stringify({ ts: new Date(clock.now()).toISOString(), level, event, ...safe, ...activeTraceIds() }))
    }
  return { info: emit('info'), warn: emit('warn'), error: emit('error') }
}
