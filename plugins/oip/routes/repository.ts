import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../../core/index.ts'
import { loadModel, repositoryIndex, unloadModel } from '../core.ts'
import { NameParams, oipErrors, ParametersSchema, RepositoryEntrySchema } from '../schemas.ts'
import type { OipDeps } from './deps.ts'

const IndexBody = z.object({ ready: z.boolean().optional().openapi({ description: 'Only READY entries' }) }).openapi('OipRepositoryIndexRequest')
const ControlBody = z.object({ parameters: ParametersSchema.optional() }).openapi('OipRepositoryControlRequest')

const index = createRoute({
  method: 'post',
  path: '/v2/repository/index',
  tags: ['oip'],
  summary: 'OIP model repository index: every registered version and its state',
  request: { body: { content: { 'application/json': { schema: IndexBody } }, required: false } },
  responses: {
    200: { content: { 'application/json': { schema: z.array(RepositoryEntrySchema) } }, description: 'One entry per version' },
    ...oipErrors(400, 401, 403, 429),
  },
})
const control = (action: 'load' | 'unload') =>
  createRoute({
    method: 'post',
    path: `/v2/repository/models/{name}/${action}`,
    tags: ['oip'],
    summary:
      action === 'load'
        ? 'OIP repository load: load the default version into the cache and serve the model on /v2 again'
        : 'OIP repository unload: stop serving the model on /v2 of this server (stages, aliases and other front doors unchanged)',
    request: { params: NameParams, body: { content: { 'application/json': { schema: ControlBody } }, required: false } },
    responses: { 200: { description: 'Done (empty body)' }, ...oipErrors(400, 401, 403, 404, 429, 503) },
  })

/** The model repository extension: index, load and unload (see core.ts for what they mean here). */
export function repositoryRoutes(app: OpenAPIHono<AppEnv>, deps: OipDeps) {
  app.openapi(index, async (c) => {
    const body = c.req.valid('json') as z.infer<typeof IndexBody> | undefined
    return c.json(await repositoryIndex(deps.ctx.registry, deps.state, { ready: body?.ready }), 200)
  })
  app.openapi(control('load'), async (c) => {
    await loadModel(deps.ctx.registry, deps.state, c.req.valid('param').name)
    return c.body(null, 200)
  })
  app.openapi(control('unload'), async (c) => {
    await unloadModel(deps.ctx.registry, deps.state, c.req.valid('param').name)
    return c.body(null, 200)
  })
}
