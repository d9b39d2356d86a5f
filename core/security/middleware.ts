import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { AuditWriter } from '../audit/group-commit.ts'
import { NexoraError, toNexoraError } from '../errors.ts'
import type { AppEnv } from '../http/env.ts'
import { problemResponse } from '../http/problem.ts'
import type { AuditEventInput } from '../ports/audit.ts'
import type { AuthenticatedCaller, Authenticator } from '../ports/authenticator.ts'
import type { RateLimitRule, RateLimitStore } from '../ports/rate-limit.ts'
import type { Clock, Logger } from '../ports/runtime.ts'
import type { Caller } from '../ports/values.ts'
import type { RateClass, RoutePolicy } from './route-policy.ts'
import { satisfies } from './scopes.ts'

export interface SecurityDeps {
  policies: Record<string, RoutePolicy>
  authenticator?: Authenticator
  /** Who the caller is when no authenticator is installed (embedded use and tests). */
  devCaller: AuthenticatedCaller
  rateLimitStore: RateLimitStore
  /** Buckets per rate class, or false to turn rate limiting off. */
  rateLimits: Record<RateClass, RateLimitRule> | false
  audit: AuditWriter
  clock: Clock
  logger: Logger
  getClientIp?: (c: Context) => string | undefined
}

/** `METHOD /pattern` of the handler that matched, or undefined when only middleware did (a 404). */
export function matchedRoute(c: Context): string | undefined {
  const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL')
  return handler && `${handler.method} ${handler.path}`
}

const ANONYMOUS: AuthenticatedCaller = { subject: 'anonymous', scopes: [], roles: [] }

/**
 * The one security layer in front of every route, driven by the route table: authenticate,
 * authorise, rate-limit, and record every decision in the audit trail (invalid token, denied,
 * rate-limited, allowed). A route missing from the table is refused.
 */
export function securityMiddleware(deps: SecurityDeps): MiddlewareHandler<AppEnv> {
  let warned = false
  return async (c, next) => {
    if (!deps.authenticator && !warned) {
      warned = true
      deps.logger.warn('security.no_authenticator', { plugin: 'devCaller' })
    }
    const route = matchedRoute(c)
    if (!route) return next()
    const policy = deps.policies[route]
    const ip = deps.getClientIp?.(c)
    const event = (actor: string, action: string, outcome: AuditEventInput['outcome'], reason?: string): AuditEventInput => ({
      ts: new Date(deps.clock.now()).toISOString(), actor, action, outcome, reason: reason ?? null, requestId: c.get('requestId'), ip: ip ?? null,
      patientRef: policy?.patientParam ? c.req.param(policy.patientParam) ?? null : null,
      context: { route, via: 'http' },
    })
    const deny = async (error: NexoraError, actor: string, action: string, reason: string): Promise<never> => {
      await deps.audit.write([event(actor, action, 'denied', reason)])
      throw error
    }

    if (!policy) return deny(new NexoraError('auth.forbidden', { detail: 'the route has no access policy' }), 'unknown', 'auth.denied', 'route.no_policy')
    let identity = ANONYMOUS
    if (policy.access !== 'public') {
      try {
        // A route's own authenticator is told the URL called: it is the audience its tokens must name.
        identity = policy.authenticator ? await policy.authenticator.authenticate(c.req.raw.headers, { audience: c.req.url })
          : deps.authenticator ? await deps.authenticator.authenticate(c.req.raw.headers) : deps.devCaller
      } catch (thrown) {
        const error = toNexoraError(thrown)
        return deny(error, 'unauthenticated', 'auth.invalid_token', error.detail ?? error.code)
      }
      if (!satisfies(identity, policy.access.anyOf)) {
        const first = policy.access.anyOf.find((r): r is string => typeof r === 'string') ?? 'nexora/admin'
        return deny(new NexoraError('auth.forbidden', { detail: `requires scope "${first}"`, headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${first}"` } }), identity.subject, 'auth.denied', 'scope')
      }
    }
    const caller: Caller = { ...identity, via: 'http', ip }
    c.set('caller', caller)

    if (deps.rateLimits) {
      const rule = deps.rateLimits[policy.rate]
      const now = deps.clock.now()
      const decision = await deps.rateLimitStore.take(`${policy.rate}:${caller.subject === 'anonymous' ? `ip:${ip ?? 'unknown'}` : caller.subject}`, 1, rule, now)
      const reset = String(Math.max(0, Math.ceil((decision.resetAt - now) / 1000)))
      const headers = { 'RateLimit-Limit': String(rule.capacity), 'RateLimit-Remaining': String(decision.remaining), 'RateLimit-Reset': reset }
      if (!decision.allowed) {
        const retryAfter = String(Math.max(1, Math.ceil(1 / rule.refillPerSecond)))
        return deny(new NexoraError('rate.limited', { headers: { ...headers, 'Retry-After': retryAfter } }), caller.subject, 'rate.limited', policy.rate)
      }
      for (const [name, value] of Object.entries(headers)) c.header(name, value)
    }

    if (policy.access === 'public' || policy.audit === 'handler') return next()
    // Allowed: the access event commits alongside the handler, and the answer waits for it.
    const committed = deps.audit.write([event(caller.subject, 'access', 'success')])
    committed.catch(() => {})
    await next()
    try {
      await committed
    } catch (error) {
      c.res = problemResponse(toNexoraError(error), c.get('requestId'))
    }
  }
}
