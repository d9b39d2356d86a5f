import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './app-env.ts'

/** What a client's own id may look like to be kept: short, and nothing a log or header could be split on. */
const CLIENT_ID = /^[\w\-=.:]{1,128}$/

/**
 * Every request gets a fresh id of the server's: it keys the audit events, the prediction log
 * and the cards a request makes, so two requests must never share one, whatever a client sends.
 * A client's own `X-Request-Id` (or `X-Correlation-Id`) is kept as the correlation id: echoed
 * in `X-Correlation-Id` and recorded in the audit context, so the client can still find its calls.
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = crypto.randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    const client = c.req.header('x-correlation-id') ?? c.req.header('x-request-id')
    if (client !== undefined && CLIENT_ID.test(client)) {
      c.set('correlationId', client)
      c.header('X-Correlation-Id', client)
    }
    await next()
  }
}
