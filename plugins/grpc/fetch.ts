import type { OpenAPIHono } from '@hono/zod-openapi'
import { createConnectRouter, createContextValues, type ConnectRouter } from '@connectrpc/connect'
import { universalServerRequestFromFetch, universalServerResponseToFetch } from '@connectrpc/connect/protocol'
import type { AppEnv, RoutePolicy } from '../../core/index.ts'
import { transportKey } from './guard.ts'
import { SERVICE_PREFIXES } from './policies.ts'

/**
 * The Hono routes of the fetch mount. Public at this layer on purpose: each RPC authenticates,
 * authorises, rate-limits and audits itself (plugins/grpc/guard.ts, the same code the Node h2c
 * listener runs), so that a refusal reaches the client as a status of its own protocol rather
 * than a problem+json. The route table still applies its per-address bucket first.
 */
export const MOUNT_POLICIES: Record<string, RoutePolicy> = Object.fromEntries(
  SERVICE_PREFIXES.map((prefix) => [`POST ${prefix}:method`, { access: 'public', rate: 'predict', audit: 'handler' } satisfies RoutePolicy]),
)

/**
 * Serve the services over fetch on the Hono app, for the runtimes that only have `fetch`
 * (Deno, Bun, Workers, and Node's HTTP/1.1 port): the Connect protocol and gRPC-Web. Real gRPC
 * needs HTTP trailers, which a fetch `Response` cannot carry, so it is switched off here and a
 * gRPC client gets 415; on Node, the h2c listener (plugins/grpc/node.ts) serves it.
 */
export function mountFetch(app: OpenAPIHono<AppEnv>, routes: (router: ConnectRouter) => void, options: { readMaxBytes?: number } = {}) {
  const router = createConnectRouter({ grpc: false, ...options })
  routes(router)
  const handlers = new Map(router.handlers.map((h) => [h.requestPath, h]))
  for (const prefix of SERVICE_PREFIXES) {
    app.post(`${prefix}:method`, async (c) => {
      const handler = handlers.get(c.req.path)
      if (!handler) return c.notFound()
      // createFetchHandler takes no context values: build its request by hand, adding the
      // client address the adapter found and Hono's request id (already in the access log).
      const request = {
        ...universalServerRequestFromFetch(c.req.raw, {}),
        contextValues: createContextValues().set(transportKey, { ip: c.get('caller')?.ip, requestId: c.get('requestId') }),
      }
      return universalServerResponseToFetch(await handler(request))
    })
  }
}
