import type { AuditWriter } from '../audit/group-commit.ts'
import { NexoraError, toNexoraError } from '../errors.ts'
import type { AuditEventInput } from '../ports/audit.ts'
import type { AuthenticatedCaller, Authenticator } from '../ports/authenticator.ts'
import type { RateLimitRule, RateLimitStore } from '../ports/rate-limit.ts'
import type { Clock, Logger } from '../ports/runtime.ts'
import type { Caller } from '../ports/values.ts'
import { addressKey } from './client-address.ts'
import { PATIENT_CONTEXT_REASON, patientContextRefusal } from './patient-context.ts'
import type { RefusalAudit } from './refusal-audit.ts'
import type { RateClass, RoutePolicy } from './route-policy.ts'
import { satisfies } from './scopes.ts'
import { withSpan } from '../tracing.ts'

/** Rate buckets: one per route class and principal, plus `unauthenticated`, per client address. */
export type RateLimits = Record<RateClass | 'unauthenticated', RateLimitRule>

/**
 * Failed authentications a client address may spend before it is refused without being
 * checked: 30 at once, then one a second. A valid token never spends from it.
 */
export const DEFAULT_UNAUTHENTICATED_LIMIT: RateLimitRule = { capacity: 30, refillPerSecond: 1 }

export interface AdmissionDeps {
  /** Read per call: an authenticator plugin may start after the front door that uses it. */
  authenticator: () => Authenticator | undefined
  /** Who the caller is when no authenticator is installed (embedded use and tests). */
  devCaller: AuthenticatedCaller
  rateLimitStore: () => RateLimitStore
  /** Buckets per rate class, or false to turn rate limiting off. */
  rateLimits: RateLimits | false
  audit: AuditWriter
  refusals: RefusalAudit
  clock: Clock
  logger: Logger
}

/** One call at a front door, as the transport saw it. */
export interface AdmissionRequest {
  /** `METHOD /pattern` or `/package.Service/Method`. */
  route: string
  /** The route's policy; undefined refuses (fail closed). */
  policy: RoutePolicy | undefined
  headers: Headers
  ip?: string
  requestId: string
  via: Caller['via']
  /** The URL called: the audience a route's own authenticator checks. */
  url?: string
  /** Reads a path parameter (a patient id the route names). */
  param?: (name: string) => string | undefined
  /** The client's own id for the call, kept beside the server's unique request id. */
  correlationId?: string
  /** Transport facts for the audit context (e.g. the RPC protocol). */
  context?: Record<string, unknown>
}

export interface Admission {
  caller: Caller
  /** `RateLimit-*` headers for the answer. */
  rateHeaders: Record<string, string>
  /** The `access` event's commit when the policy asks the security layer to audit: await it before answering. */
  committed?: Promise<unknown>
}

const ANONYMOUS: AuthenticatedCaller = { subject: 'anonymous', scopes: [], roles: [] }

/**
 * The one security decision behind every front door (Hono routes and RPCs alike): refuse an
 * address that keeps failing authentication before checking anything, authenticate, authorise
 * (scopes, then the SMART patient context), take from the caller's rate bucket, and audit each
 * decision. Refusals go through the refusal audit, so a flood leaves a count, not a row per request.
 */
export function createAdmission(deps: AdmissionDeps): (request: AdmissionRequest) => Promise<Admission> {
  const decide = admission(deps)
  // The route pattern and the transport only: the caller's subject and the patient stay in the audit trail.
  return async (request) =>
    withSpan('security.admit', { 'nexora.route': request.route, 'nexora.via': request.via }, async (span) => {
      const admitted = await decide(request)
      span.set({ 'nexora.outcome': 'admitted' })
      return admitted
    })
}

function admission(deps: AdmissionDeps): (request: AdmissionRequest) => Promise<Admission> {
  return async (request) => {
    const { policy, route } = request
    const address = addressKey(request.ip)
    const now = deps.clock.now()
    const patientParam = policy?.patientParam ? (request.param?.(policy.patientParam) ?? null) : null
    const event = (actor: string, action: string, outcome: AuditEventInput['outcome'], reason: string | null): AuditEventInput => ({
      ts: new Date(deps.clock.now()).toISOString(),
      actor,
      action,
      outcome,
      reason,
      requestId: request.requestId,
      ip: request.ip ?? null,
      patientRef: patientParam,
      context: { route, via: request.via, ...request.context, ...(request.correlationId ? { correlationId: request.correlationId } : {}) },
    })
    const refuse = async (error: NexoraError, key: string, audited: AuditEventInput): Promise<never> => {
      const events = deps.refusals.note(key, audited, now)
      if (events.length > 0) await deps.audit.write(events)
      throw error
    }
    const limits = deps.rateLimits
    // Without a client address (an embedding that supplies none) every caller would share one
    // bucket, and one bad client would lock out all: the refusals are still audited and counted.
    const unauthenticated = limits && request.ip ? limits.unauthenticated : undefined

    if (!policy)
      return refuse(
        new NexoraError('auth.forbidden', { detail: 'the route has no access policy' }),
        `policy:${address}`,
        event('unknown', 'auth.denied', 'denied', 'route.no_policy'),
      )
    let identity = ANONYMOUS
    if (policy.access !== 'public') {
      const bucket = `unauthenticated:${address}`
      // An address out of failed attempts is refused before its token costs a signature check.
      if (unauthenticated && (await deps.rateLimitStore().take(bucket, 0, unauthenticated, now)).remaining < 1) {
        return refuse(rateLimited(unauthenticated), `unauthenticated:${address}`, event('unauthenticated', 'rate.limited', 'denied', 'unauthenticated'))
      }
      try {
        const authenticator = policy.authenticator ?? deps.authenticator()
        identity = !authenticator
          ? deps.devCaller
          : // A route's own authenticator is told the URL called: it is the audience its tokens must name.
            policy.authenticator
            ? await authenticator.authenticate(request.headers, { audience: request.url })
            : await authenticator.authenticate(request.headers)
      } catch (thrown) {
        const error = toNexoraError(thrown)
        if (unauthenticated) await deps.rateLimitStore().take(bucket, 1, unauthenticated, now)
        return refuse(error, `invalid_token:${address}`, event('unauthenticated', 'auth.invalid_token', 'denied', error.detail ?? error.code))
      }
      if (!satisfies(identity, policy.access.anyOf)) {
        const first = policy.access.anyOf.find((r): r is string => typeof r === 'string') ?? 'nexora/admin'
        const error = new NexoraError('auth.forbidden', {
          detail: `requires scope "${first}"`,
          headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${first}"` },
        })
        return refuse(error, `denied:${identity.subject}`, event(identity.subject, 'auth.denied', 'denied', 'scope'))
      }
      const refusal = patientContextRefusal(policy, identity, (name) => request.param?.(name))
      if (refusal)
        return refuse(
          new NexoraError('auth.forbidden', { detail: refusal }),
          `patient_context:${identity.subject}`,
          event(identity.subject, 'auth.denied', 'denied', PATIENT_CONTEXT_REASON),
        )
    }
    const caller: Caller = {
      ...identity,
      via: request.via,
      ...(request.ip ? { ip: request.ip } : {}),
      ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    }

    let rateHeaders: Record<string, string> = {}
    if (limits) {
      const rule = limits[policy.rate]
      // One budget per principal across front doors; anonymous (public) callers per address.
      const key = `${policy.rate}:${caller.subject === 'anonymous' ? `ip:${address}` : caller.subject}`
      const decision = await deps.rateLimitStore().take(key, 1, rule, now)
      rateHeaders = {
        'RateLimit-Limit': String(rule.capacity),
        'RateLimit-Remaining': String(decision.remaining),
        'RateLimit-Reset': String(Math.max(0, Math.ceil((decision.resetAt - now) / 1000))),
      }
      if (!decision.allowed) return refuse(rateLimited(rule, rateHeaders), `rate:${key}`, event(caller.subject, 'rate.limited', 'denied', policy.rate))
    }
    if (policy.audit === 'handler') return { caller, rateHeaders }
    const committed = deps.audit.write([event(caller.subject, 'access', 'success', null)])
    committed.catch(() => {})
    return { caller, rateHeaders, committed }
  }
}

function rateLimited(rule: RateLimitRule, headers: Record<string, string> = {}): NexoraError {
  return new NexoraError('rate.limited', { headers: { ...headers, 'Retry-After': String(Math.max(1, Math.ceil(1 / rule.refillPerSecond))) } })
}
