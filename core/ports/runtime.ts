/** Small runtime services that core takes as ports so tests can pin them. */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export interface Random {
  /** A float in [0, 1). */
  next(): number
}

/** Fields a log line may carry. Anything else is dropped, so PHI cannot reach the logs. */
export type LogFields = Record<string, string | number | boolean | undefined>

/** Structured, PHI-safe logging. Implementations drop fields outside their allowlist. */
export interface Logger {
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
}

export type Labels = Record<string, string>

export interface Counter {
  inc(labels?: Labels, value?: number): void
}
export interface Gauge {
  set(labels: Labels, value: number): void
}
export interface Histogram {
  observe(labels: Labels, value: number): void
}

/** Counters, gauges and histograms, exposed in the Prometheus text format. */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter
  gauge(name: string, help: string): Gauge
  histogram(name: string, help: string, buckets?: number[]): Histogram
  expose(): string
}

/**
 * A tracing SDK a plugin set up (`nexora/plugins/otel`): spans are batched in memory, so a host
 * whose work may be frozen after the answer (a Worker) flushes them, and `close()` shuts it down.
 */
export interface Telemetry {
  /** Export every span ended so far. Never rejects: telemetry must not fail a request. */
  flush(): Promise<void>
  /** Flush, then stop exporting. */
  close(): Promise<void>
}
