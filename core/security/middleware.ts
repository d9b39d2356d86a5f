import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { toNexoraError } from '../errors.ts'
import type { AppEnv } from '../http/env.ts'
import { problemResponse } from '../http/problem.ts'
import type { Logger } from '../ports/runtime.ts'
import type { Admission, AdmissionRequest } from './admission.ts'
import { routeParam } from './patient-context.ts'
import type { RoutePolicy } from './route-policy.ts'

export interface SecurityDeps {
  policies: Record<string, RoutePolicy>
  /** The one admission decision (core/security/admission.ts), shared with the RPC front doors. */
  admit: (request: AdmissionRequest) => Promise<Admission>
  /** Whether an authenticator plugin is installed; without one every caller is the dev caller. */
  authenticated: () => boolean
  logger: Logger
  getClientIp?: (c: Context) => string | undefined
}

/** `METHOD /pattern` of the handler that matched, or undefined when only middleware did (a 404). */
export function matchedRoute(c: Context): string | undefined {
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL')
  return handler && `${handler.method} ${handler.path}`
}

/**
 * The security layer in front of every route, driven by the route table: the admission decision
 * (flood guard, authentication, scopes, patient context, rate limit, audit), its rate headers on
 * the answer, and the answer held until the route's `access` event is committed. A route missing
 * from the table is refused.
 */
export function securityMiddleware(deps: SecurityDeps): MiddlewareHandler<AppEnv> {
  let warned = false
  return async (c, next) => {
    if (!warned && !deps.authenticated()) {
      warned = true
      deps.logger.warn('security.no_authenticator', { plugin: 'devCaller' })
    }
    const route = matchedRoute(c)
    if (!route) return next()
    const admission = await deps.admit({
      route,
      policy: deps.policies[route],
      headers: c.req.raw.headers,
      ip: deps.getClientIp?.(c),
      requestId: c.get('requestId'),
      via: 'http',
      // Inside a middleware Hono's c.req.param() is empty: the route pattern is matched against the path here.
      url: c.req.url,
      param: (name) => routeParam(route, c.req.path, name),
      correlationId: c.get('correlationId'),
    })
    c.set('caller', admission.caller)
    for (const [name, value] of Object.entries(admission.rateHeaders)) c.header(name, value)
    if (!admission.committed) return next()
    await next()
    try {
      await admission.committed
    } catch (error) {
      c.res = problemResponse(toNexoraError(error), c.get('requestId'))
    }
  }
}
