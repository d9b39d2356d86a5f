import { createServer, type IncomingHttpHeaders } from 'node:http'

/** One span as an OTLP/HTTP JSON export carries it, with its attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Record<string, unknown>
  links: { traceId: string; spanId: string }[]
  status?: { code?: number }
}

interface OtlpValue {
  stringValue?: string
  intValue?: number | string
  doubleValue?: number
  boolValue?: boolean
}
interface OtlpAttribute {
  key: string
  value: OtlpValue
}
interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes?: OtlpAttribute[]
  links?: { traceId: string; spanId: string }[]
  status?: { code?: number }
}
export interface OtlpExport {
  resourceSpans: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans: { spans?: OtlpSpan[] }[] }[]
}

const plain = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? v.boolValue))
export const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, plain(a.value)]))

/** Every span in some OTLP/HTTP JSON exports, in the order received. */
export function spansOf(exports: OtlpExport[]): ReceivedSpan[] {
  return exports.flatMap((e) =>
    e.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) =>
        (s.spans ?? []).map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          links: span.links ?? [],
          status: span.status,
        })),
      ),
    ),
  )
}

/**
 * An in-process OTLP/HTTP collector for tests: keeps each JSON export (`bodies` as received, for
 * scanning, and `exports` parsed) and each request's headers, and answers 200.
 */
export async function startOtlpReceiver() {
  const bodies: string[] = []
  const exports: OtlpExport[] = []
  const headers: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      headers.push(req.headers)
      if (req.url === '/v1/traces' && req.headers['content-type'] === 'application/json') {
        bodies.push(text)
        exports.push(JSON.parse(text) as OtlpExport)
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    exports,
    headers,
    spans: () => spansOf(exports),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
