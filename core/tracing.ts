/**
 * Tracing through the OpenTelemetry *API* only: dependency-free, runtime-neutral, and a no-op until
 * an application (or `nexora/plugins/otel`) registers an SDK, as every instrumented library does.
 * Span attributes are typed as scalars, and each call site passes ids, counts, codes and registered
 * names only: never a patient id, a feature value, free text or a URL path (it can carry an id).
 * Errors are recorded by their stable code, never by message or stack.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api'
import { toNexoraError } from './errors.ts'
import { VERSION } from './version.ts'

/** What a span may carry: scalars only, so no object (a row, a resource) can slip into one. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>

/** The part of a span a traced function may touch. */
export interface TraceSpan {
  /** Add attributes (scalars; `undefined` is skipped). */
  set(attributes: SpanAttributes): void
  /** Mark the span failed by a stable code (an answered 5xx), without throwing. */
  fail(code: string): void
}

export interface SpanOptions {
  kind?: 'internal' | 'server' | 'client'
  /** The parent (an incoming `traceparent`); default the active span. */
  parent?: Context
  /** Spans this one works for besides its parent (the other requests a group commit carries). */
  links?: SpanContext[]
}

const KINDS = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT } as const

const tracer = () => trace.getTracer('nexora', VERSION)

const clean = (attributes: SpanAttributes) => {
  const out: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value
  return out
}

/**
 * Run `fn` inside a new active span: children started within (across `await`, where the SDK has a
 * context manager) nest under it. A throw marks the span as an error with `nexora.error_code`.
 * @example
 * const model = await withSpan('model.load', { 'nexora.model': name }, () => registry.load(stored))
 */
export function withSpan<T>(name: string, attributes: SpanAttributes, fn: (span: TraceSpan) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  const parent = options.parent ?? context.active()
  const links: Link[] | undefined = options.links?.map((c) => ({ context: c }))
  const span = tracer().startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: clean(attributes), links }, parent)
  const handle: TraceSpan = { set: (a) => span.setAttributes(clean(a)), fail: (code) => failed(span, code) }
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(handle)
    } catch (error) {
      failed(span, toNexoraError(error).code)
      throw error
    } finally {
      span.end()
    }
  })
}

/** Mark a span failed by a stable code (a thrown NexoraError's): never a message. */
function failed(span: Span, code: string): void {
  span.setAttribute('nexora.error_code', code)
  span.setStatus({ code: SpanStatusCode.ERROR })
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
}

/** The trace context a request carries in `traceparent`/`tracestate` (W3C), if the SDK's propagator reads it. */
export function extractTraceContext(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter)
}

/**
 * `traceparent`/`tracestate` for an outgoing request made inside the active span (a FHIR call,
 * a webhook): empty when nothing is traced.
 * @example
 * await fetch(url, { headers: { ...traceHeaders(), accept: 'application/json' } })
 */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier
}

/** The active span's ids for a log line, or undefined outside a sampled span. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getActiveSpan()?.spanContext()
  return span && trace.isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : undefined
}

/** The active span's context, to link from work done on its behalf elsewhere (a shared commit). */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan()?.spanContext()
  return span && trace.isSpanContextValid(span) ? span : undefined
}

export type { Context as TraceContext } from '@opentelemetry/api'
