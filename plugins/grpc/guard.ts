import { createContextKey, type HandlerContext } from '@connectrpc/connect'
import type { Caller, FrontDoorContext, RoutePolicy } from '../../core/index.ts'

/** What the transport knows about a call before the service runs: set per request by each listener. */
export interface Transport {
  /** The client address (the socket's on Node; the adapter's getClientIp behind Hono). */
  ip?: string
  /** Set when Hono already assigned one (the fetch mount); otherwise the guard makes one. */
  requestId?: string
}

export const transportKey = createContextKey<Transport>({}, { description: 'nexora transport' })

/** The guard needs only core's admission decision (FrontDoorContext.admit). */
export type GuardDeps = Pick<FrontDoorContext, 'admit'>

/** Same shape core/http/request-id.ts keeps, so a client id is never log-injection material. */
const CLIENT_ID = /^[\w\-=.:]{1,128}$/

/**
 * The call's request id: Hono's when the fetch mount assigned one, else a new UUID. Never the
 * client's: it keys audit events and prediction-log rows, which must not collide.
 */
export function requestIdOf(ctx: HandlerContext): string {
  return ctx.values.get(transportKey).requestId ?? crypto.randomUUID()
}

/** The client's own id from `x-correlation-id` or `x-request-id` metadata, when well-formed. */
function correlationIdOf(ctx: HandlerContext): string | undefined {
  const client = ctx.requestHeader.get('x-correlation-id') ?? ctx.requestHeader.get('x-request-id')
  return client !== null && CLIENT_ID.test(client) ? client : undefined
}

export interface Admitted {
  caller: Caller
  requestId: string
  /** The `access` event's commit, when the policy asks the guard to audit (await it before answering). */
  committed?: Promise<unknown>
}

/**
 * The security layer for RPCs: the Node h2c listener has no Hono in front of it, and errors
 * must reach the client in its own protocol. The decision itself is core's, the same one every
 * HTTP route gets (flood guard, authentication, scopes, patient context, rate limit, audit).
 */
export async function admit(
  deps: GuardDeps,
  ctx: HandlerContext,
  call: { route: string; policy: RoutePolicy | undefined; requestId: string },
): Promise<Admitted> {
  const correlationId = correlationIdOf(ctx)
  const admission = await deps.admit({
    route: call.route,
    policy: call.policy,
    headers: ctx.requestHeader,
    ip: ctx.values.get(transportKey).ip,
    requestId: call.requestId,
    via: 'grpc',
    correlationId,
    context: { protocol: ctx.protocolName },
  })
  return { caller: admission.caller, requestId: call.requestId, ...(admission.committed ? { committed: admission.committed } : {}) }
}
