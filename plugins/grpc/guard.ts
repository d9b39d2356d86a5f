import { createContextKey, type HandlerContext } from '@connectrpc/connect'
import {
  DEFAULT_DEV_CALLER, DEFAULT_RATE_LIMITS, NexoraError, SCOPES, satisfies, toNexoraError,
  type AuditLogger, type AuthenticatedCaller, type Authenticator, type Caller, type Clock, type RateClass, type RateLimitRule, type RateLimitStore, type RoutePolicy,
} from '../../core/index.ts'

/** What the transport knows about a call before the service runs: set per request by each listener. */
export interface Transport {
  /** The client address (the socket's on Node; the adapter's getClientIp behind Hono). */
  ip?: string
  /** Set when Hono already assigned one (its request-id middleware); otherwise taken from metadata. */
  requestId?: string
}

export const transportKey = createContextKey<Transport>({}, { description: 'nexora transport' })

/** Ports the guard reads at call time, when every plugin has started (the authenticator may start after this front door). */
export interface GuardDeps {
  authenticator: () => Authenticator | undefined
  /** Who the caller is without an authenticator: the same `devCaller` REST uses (embedded use, tests). */
  devCaller: AuthenticatedCaller
  rateLimitStore: () => RateLimitStore
  rateLimits: Record<RateClass, RateLimitRule> | false
  audit: AuditLogger
  clock: Clock
}

/** createNexora's default when no authenticator is installed, so REST and gRPC agree on who `dev` is. */

/** Build the guard's dependencies from a plugin's config (the same keys createNexora reads). */
export function guardConfig(config: Readonly<Record<string, unknown>>): Pick<GuardDeps, 'devCaller' | 'rateLimits'> {
  const limits = config.rateLimits as Partial<Record<RateClass, RateLimitRule>> | false | undefined
  return {
    devCaller: (config.devCaller as AuthenticatedCaller | undefined) ?? DEFAULT_DEV_CALLER,
    rateLimits: limits === false ? false : { ...DEFAULT_RATE_LIMITS, ...limits },
  }
}

/** Same shape Hono's request-id middleware accepts, so an id is never log-injection material. */
const REQUEST_ID = /^[\w\-=]{1,128}$/

/** The call's request id: Hono's when the fetch mount has one, else valid `x-request-id` metadata, else a new UUID. */
export function requestIdOf(ctx: HandlerContext): string {
  const header = ctx.requestHeader.get('x-request-id')
  return ctx.values.get(transportKey).requestId ?? (header && REQUEST_ID.test(header) ? header : crypto.randomUUID())
}

export interface Admitted {
  caller: Caller
  requestId: string
  /** The `access` event's commit, when the policy asks the guard to audit (await it before answering). */
  committed?: Promise<unknown>
}

/**
 * The security layer of core/security/middleware.ts, for RPCs: the Node h2c listener has no
 * Hono in front of it, and errors must reach the client in its own protocol. Authenticate the
 * `authorization` metadata, check the method's scopes, take a token from the caller's rate
 * bucket (shared with REST), and record every refusal in the audit trail.
 */
export async function admit(deps: GuardDeps, ctx: HandlerContext, call: { route: string; policy: RoutePolicy; requestId: string }): Promise<Admitted> {
  const { route, policy, requestId } = call
  const ip = ctx.values.get(transportKey).ip
  const record = (actor: string, action: string, outcome: 'success' | 'denied', reason?: string) => deps.audit.logDataAccess({
    userId: actor, action, outcome, reason, requestId, ip, context: { route, via: 'grpc', protocol: ctx.protocolName },
  })
  const deny = async (error: NexoraError, actor: string, action: string, reason: string): Promise<never> => {
    await record(actor, action, 'denied', reason)
    throw error
  }

  let identity: AuthenticatedCaller = { subject: 'anonymous', scopes: [], roles: [] }
  if (policy.access !== 'public') {
    const authenticator = deps.authenticator()
    try {
      identity = authenticator ? await authenticator.authenticate(ctx.requestHeader) : deps.devCaller
    } catch (thrown) {
      const error = toNexoraError(thrown)
      return deny(error, 'unauthenticated', 'auth.invalid_token', error.detail ?? error.code)
    }
    if (!satisfies(identity, policy.access.anyOf)) {
      const first = policy.access.anyOf.find((r): r is string => typeof r === 'string') ?? SCOPES.admin
      return deny(new NexoraError('auth.forbidden', { detail: `requires scope "${first}"`, headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${first}"` } }), identity.subject, 'auth.denied', 'scope')
    }
  }
  const caller: Caller = { ...identity, via: 'grpc', ...(ip ? { ip } : {}) }

  if (deps.rateLimits) {
    const rule = deps.rateLimits[policy.rate]
    const now = deps.clock.now()
    // The same key as REST's, so a principal has one budget across front doors.
    const key = `${policy.rate}:${caller.subject === 'anonymous' ? `ip:${ip ?? 'unknown'}` : caller.subject}`
    const decision = await deps.rateLimitStore().take(key, 1, rule, now)
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(1 / rule.refillPerSecond)))
      return deny(new NexoraError('rate.limited', { headers: { 'Retry-After': retryAfter } }), caller.subject, 'rate.limited', policy.rate)
    }
  }
  if (policy.audit === 'handler') return { caller, requestId }
  const committed = record(caller.subject, 'access', 'success')
  committed.catch(() => {})
  return { caller, requestId, committed }
}
