/** The OpenTelemetry plugin with Node's AsyncLocalStorage and environment (also right for Deno and Bun). */
import { AsyncLocalStorage } from 'node:async_hooks'
import { otel, type OtelOptions } from './index.ts'

/**
 * `otel()` with `process.env` and node:async_hooks' AsyncLocalStorage.
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), otelNode()] })
 */
export function otelNode(options: OtelOptions = {}) {
  return otel({ env: process.env, AsyncLocalStorage, ...options })
}

export * from './index.ts'
