import type { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { NexoraError, type AppEnv } from '../../core/index.ts'
import { oipError } from './error-body.ts'

/**
 * Unknown paths under `/v2` answer `{"error"}` too. The app's notFound handler is shared by every
 * front door (problem+json), so this middleware rewrites its answer only when no `/v2` route matched.
 */
export function oipNotFound(app: OpenAPIHono<AppEnv>) {
  const rewrite: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next()
    const matched = matchedRoutes(c).some((r) => r.method !== 'ALL')
    if (!matched && c.res.status === 404) c.res = oipError(new NexoraError('route.not_found'), c.get('requestId'))
  }
  app.use('/v2', rewrite)
  app.use('/v2/*', rewrite)
}
