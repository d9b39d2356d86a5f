import type { HandlerContext } from '@connectrpc/connect'
import { requireWellFormed, type RoutePolicy } from '../../core/index.ts'
import { admit, requestIdOf, type Admitted, type GuardDeps } from './guard.ts'
import { RPC_POLICIES } from './policies.ts'
import { toConnectError } from './status.ts'

/**
 * Wrap one unary method: admit the call (authenticate, authorise, rate-limit, audit), run it,
 * wait for its access event, and turn any failure into a gRPC status. The request id is echoed
 * in the `x-request-id` response header (and in the error's metadata).
 * @example
 * router.service(PredictionService, { predict: unary(guard, (req, call) => predict(door, req, call)) })
 */
export function unary<I, O>(guard: GuardDeps, impl: (request: I, call: Admitted) => Promise<O> | O) {
  return async (request: I, ctx: HandlerContext): Promise<O> => {
    const route = `/${ctx.service.typeName}/${ctx.method.name}`
    const policy: RoutePolicy | undefined = RPC_POLICIES[route]
    const requestId = requestIdOf(ctx)
    ctx.responseHeader.set('x-request-id', requestId)
    let call: Admitted | undefined
    try {
      // A method without a policy is refused by the admission (fail closed, like the REST route table).
      call = await admit(guard, ctx, { route, policy, requestId })
      // The Connect JSON form carries `\ud800` escapes like any JSON body; REST refuses them in its schema hook.
      requireWellFormed(request)
      const result = await impl(request, call)
      await call.committed
      return result
    } catch (thrown) {
      // The access event is recorded whatever the outcome; a failure to commit it is the answer.
      const audited = await call?.committed?.then(
        () => undefined,
        (error: unknown) => error,
      )
      const error = toConnectError(audited ?? thrown)
      error.metadata.set('x-request-id', requestId)
      throw error
    }
  }
}
