import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../../core/index.ts'
import { serverMetadata, serverReady } from '../core.ts'
import { oipErrors, ServerMetadataSchema } from '../schemas.ts'
import type { OipDeps } from './deps.ts'

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })

const live = createRoute({
  method: 'get',
  path: '/v2/health/live',
  tags: ['oip'],
  summary: 'OIP server live (Kubernetes livenessProbe)',
  security: [],
  responses: { 200: json(z.object({ live: z.boolean() }), 'The server answers') },
})
const ready = createRoute({
  method: 'get',
  path: '/v2/health/ready',
  tags: ['oip'],
  summary: 'OIP server ready (Kubernetes readinessProbe)',
  security: [],
  description:
    'Ready when the model store answers; models load lazily, so ask `/v2/models/{name}/ready` for one model. 400 with `ready: false` otherwise (a 4xx ' +
    'means false, as the protocol says).',
  responses: { 200: json(z.object({ ready: z.boolean() }), 'Ready'), 400: json(z.object({ ready: z.boolean() }), 'Not ready') },
})
const metadata = (path: '/v2' | '/v2/') =>
  createRoute({
    method: 'get',
    path,
    tags: ['oip'],
    summary: `OIP server metadata: name, version, extensions${path === '/v2/' ? " (the REST spec's own path)" : ''}`,
    security: [],
    responses: { 200: json(ServerMetadataSchema, 'Server metadata'), ...oipErrors(429) },
  })

/**
 * `GET /v2/health/live`, `GET /v2/health/ready` and server metadata at `GET /v2` and `GET /v2/`
 * (the spec's OpenAPI names `/v2/`, its prose `v2`): public, as Kubernetes probes and KServe clients expect.
 */
export function healthRoutes(app: OpenAPIHono<AppEnv>, deps: OipDeps) {
  app.openapi(live, (c) => c.json({ live: true }, 200))
  app.openapi(ready, async (c) => {
    const ok = await serverReady(deps.ctx.registry)
    return ok ? c.json({ ready: true }, 200) : c.json({ ready: false }, 400)
  })
  for (const path of ['/v2', '/v2/'] as const) app.openapi(metadata(path), (c) => c.json(serverMetadata(deps.server), 200))
}
