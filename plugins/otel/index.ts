/**
 * Tracing with OpenTelemetry: the SDK behind core's spans (`core/tracing.ts`), configured by the
 * standard `OTEL_*` variables and exporting OTLP/HTTP on fetch, so the same plugin runs on Node,
 * Deno, Bun and Cloudflare Workers. docs/tracing.md lists the spans and the no-PHI rule.
 */
import { definePlugin, importOptional, lazy, type Telemetry } from '../../core/index.ts'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { otelSettings } from './config.ts'
import type { AsyncLocalStorageConstructor } from './context-manager.ts'

export interface OtelOptions {
  /** The `OTEL_*` variables: `process.env`, a Worker's bindings. Default none (the specification's defaults). */
  env?: Record<string, unknown>
  /**
   * `AsyncLocalStorage` from node:async_hooks (Node, Deno, Bun; Workers with the `nodejs_als` or
   * `nodejs_compat` flag): it carries the active span across `await`. Without it spans are still
   * exported, but each one stands alone instead of nesting under its request's.
   */
  AsyncLocalStorage?: AsyncLocalStorageConstructor
  /** For the OTLP export (default the global fetch). */
  fetch?: typeof fetch
  /** Export here instead of OTLP/HTTP (a custom or in-memory exporter). */
  exporter?: SpanExporter
}

// The SDK packages are optional: loaded on first setup, and a missing one is `dependency.missing`.
const loadSdk = lazy(() =>
  importOptional(
    ['@opentelemetry/sdk-trace-base', '@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/otlp-transformer'],
    () => import('./_sdk.ts'),
    'tracing (nexora/plugins/otel)',
  ),
)

const OFF: Telemetry = { flush: async () => {}, close: async () => {} }

/**
 * The `telemetry` port: registers the OpenTelemetry SDK as the global tracer provider, W3C
 * trace-context propagator and (given AsyncLocalStorage) context manager; `close()` flushes the
 * spans and hands the global API back. `OTEL_SDK_DISABLED=true` installs nothing.
 * @example
 * import { AsyncLocalStorage } from 'node:async_hooks'
 * await createNexora({ plugins: [sqlStorage(), linearModel(), otel({ env: process.env, AsyncLocalStorage })] })
 */
export function otel(options: OtelOptions = {}) {
  return definePlugin({
    name: 'otel',
    provides: 'telemetry',
    requires: ['logger'],
    setup: async (ctx) => {
      const settings = otelSettings(options.env ?? {})
      if (settings.disabled) return OFF
      const { startSdk } = await loadSdk()
      const logger = ctx.get('logger')
      if (!options.AsyncLocalStorage) logger.warn('otel.no_context_manager', { plugin: 'otel' })
      return startSdk({
        settings,
        AsyncLocalStorage: options.AsyncLocalStorage,
        fetch: options.fetch,
        exporter: options.exporter,
        onConflict: () => logger.warn('otel.already_registered', { plugin: 'otel' }),
      })
    },
  })
}

export { otelSettings, otelRequested, parseKeyValues, type OtelSettings } from './config.ts'
export { asyncLocalStorageContextManager, type AsyncLocalStorageConstructor, type AsyncLocalStorageLike } from './context-manager.ts'
