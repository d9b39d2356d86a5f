/** The OpenTelemetry SDK, loaded only when tracing is on: the plugin imports this file lazily. */
import { context, propagation, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'
import { VERSION, type Telemetry } from '../../core/index.ts'
import type { OtelSettings } from './config.ts'
import { asyncLocalStorageContextManager, type AsyncLocalStorageConstructor } from './context-manager.ts'
import { otlpHttpExporter } from './exporter.ts'

export interface SdkOptions {
  settings: OtelSettings
  AsyncLocalStorage?: AsyncLocalStorageConstructor
  fetch?: typeof fetch
  exporter?: SpanExporter
  /** Told once when another SDK already holds the global API (its spans go there instead). */
  onConflict: () => void
}

function sampler(settings: OtelSettings['sampler']): Sampler {
  const root =
    settings.root === 'always_off'
      ? new AlwaysOffSampler()
      : settings.root === 'traceidratio'
        ? new TraceIdRatioBasedSampler(settings.ratio)
        : new AlwaysOnSampler()
  // Parent-based: a caller's sampled flag in `traceparent` decides, so a trace is kept or dropped whole.
  return settings.parentBased ? new ParentBasedSampler({ root }) : root
}

/**
 * A BasicTracerProvider with a BatchSpanProcessor and the OTLP/HTTP exporter, registered as the
 * global tracer provider, W3C trace-context propagator and context manager that core's spans use.
 * Baggage is not propagated: a caller's baggage could carry anything, PHI included.
 */
export function startSdk(options: SdkOptions): Telemetry {
  const { settings } = options
  const exporter =
    options.exporter ??
    otlpHttpExporter({ url: settings.url, headers: settings.headers, protocol: settings.protocol, timeoutMs: settings.timeoutMs, fetch: options.fetch })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...settings.resourceAttributes, 'service.name': settings.serviceName, 'service.version': VERSION }),
    sampler: sampler(settings.sampler),
    spanProcessors: [new BatchSpanProcessor(exporter, settings.batch)],
  })
  const registered = trace.setGlobalTracerProvider(provider)
  if (!registered) options.onConflict()
  else {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator())
    if (options.AsyncLocalStorage) context.setGlobalContextManager(asyncLocalStorageContextManager(options.AsyncLocalStorage))
  }
  let closed: Promise<void> | undefined
  return {
    flush: () => provider.forceFlush().catch(() => undefined),
    close: () =>
      (closed ??= provider
        .shutdown()
        .catch(() => undefined)
        .finally(() => {
          // Hand the global API back, so a later instance (or the host) can register its own SDK.
          if (!registered) return
          trace.disable()
          propagation.disable()
          context.disable()
        })),
  }
}
