import type { MiddlewareHandler } from 'hono'
import { matchedRoute } from '../security/middleware.ts'
import { extractTraceContext, withSpan } from '../tracing.ts'
import type { AppEnv } from './env.ts'

/**
 * The front door's server span, `METHOD /route/pattern` (OpenTelemetry's HTTP naming): the
 * pattern, never the path, which can carry a patient id. A W3C `traceparent` on the request makes
 * it the parent, so Nexora's spans join the caller's trace. Everything after this middleware
 * (security, the pipeline, audit commits, FHIR calls, the access log line) runs inside the span.
 */
export function traceRequests(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const route = matchedRoute(c)
    const method = c.req.method
    const pattern = route?.slice(route.indexOf(' ') + 1)
    const attributes = { 'http.request.method': method, 'http.route': pattern, 'nexora.request_id': c.get('requestId') }
    await withSpan(
      route ?? method,
      attributes,
      async (span) => {
        await next()
        span.set({ 'http.response.status_code': c.res.status })
        if (c.res.status >= 500) span.fail(c.get('errorCode') ?? `http.${c.res.status}`)
      },
      { kind: 'server', parent: extractTraceContext(c.req.raw.headers) },
    )
  }
}
