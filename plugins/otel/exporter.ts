import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'

export interface OtlpHttpExporterOptions {
  /** The traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  url: string
  headers?: Record<string, string>
  protocol?: 'http/protobuf' | 'http/json'
  /** Per export. Default 10 000 ms. */
  timeoutMs?: number
  /** Injected, so the exporter runs wherever fetch does (Node, Deno, Bun, Workers). */
  fetch?: typeof fetch
}

/**
 * OTLP/HTTP span export on `fetch`: the official serializers, without the official exporter's
 * per-platform transports (node:http on Node, XHR or sendBeacon in browsers), none of which fits
 * a Worker. Its own requests are plain fetches, so they are never traced themselves. A failed
 * export drops that batch (the SDK's BatchSpanProcessor does not retry), and its error says the
 * status only: a collector's answer is not logged.
 * @example
 * new BatchSpanProcessor(otlpHttpExporter({ url: 'http://localhost:4318/v1/traces' }))
 */
export function otlpHttpExporter(options: OtlpHttpExporterOptions): SpanExporter {
  const json = options.protocol === 'http/json'
  const serializer = json ? JsonTraceSerializer : ProtobufTraceSerializer
  const doFetch = options.fetch ?? fetch
  const inFlight = new Set<Promise<void>>()
  let stopped = false

  async function send(spans: ReadableSpan[]): Promise<ExportResult> {
    const body = serializer.serializeRequest(spans)
    if (!body) return { code: ExportResultCode.FAILED, error: new Error('OTLP export: the spans could not be serialized') }
    try {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
        // The serializers answer a Uint8Array over a plain ArrayBuffer, which fetch takes as it is.
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      })
      await response.body?.cancel()
      return response.ok ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(`OTLP export: HTTP ${response.status}`) }
    } catch (cause) {
      return { code: ExportResultCode.FAILED, error: new Error('OTLP export: the collector could not be reached', { cause }) }
    }
  }

  return {
    export(spans, done) {
      if (stopped) return done({ code: ExportResultCode.FAILED, error: new Error('OTLP export: the exporter is shut down') })
      const run = send(spans).then(done)
      inFlight.add(run)
      void run.finally(() => inFlight.delete(run))
    },
    async forceFlush() {
      await Promise.allSettled([...inFlight])
    },
    async shutdown() {
      stopped = true
      await Promise.allSettled([...inFlight])
    },
  }
}
