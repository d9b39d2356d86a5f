import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../../../core/index.ts'
import { modelStatistics } from '../core.ts'
import { ModelStatisticsSchema, NameParams, oipErrors, VersionParams } from '../schemas.ts'
import type { OipDeps } from './deps.ts'

const Stats = z.object({ model_stats: z.array(ModelStatisticsSchema) }).openapi('OipStatistics')

const statsRoute = (scope: 'all' | 'model' | 'version') =>
  createRoute({
    method: 'get',
    tags: ['oip'],
    path: scope === 'all' ? '/v2/models/stats' : scope === 'model' ? '/v2/models/{name}/stats' : '/v2/models/{name}/versions/{version}/stats',
    summary:
      `OIP statistics extension: Triton-style inference counters ` +
      `${scope === 'all' ? 'of every model' : scope === 'model' ? "of each of the model's versions" : 'of one version'}`,
    description:
      'Counts and cumulative nanoseconds since this server started, in memory: success, fail, queue (always 0 ns: there is no request queue), ' +
      'compute_input (tensor decoding), compute_infer (the pipeline), compute_output (tensor encoding).',
    ...(scope === 'all' ? {} : { request: { params: scope === 'model' ? NameParams : VersionParams } }),
    responses: {
      200: { content: { 'application/json': { schema: Stats } }, description: 'Statistics per model version' },
      ...oipErrors(400, 401, 403, 404, 429),
    },
  })

/** The statistics extension. `/v2/models/stats` is registered before `/v2/models/{name}` so it wins. */
export function statsRoutes(app: OpenAPIHono<AppEnv>, deps: OipDeps) {
  app.openapi(statsRoute('all'), async (c) => c.json({ model_stats: await modelStatistics(deps.ctx.registry, deps.state) }, 200))
  for (const scope of ['model', 'version'] as const) {
    app.openapi(statsRoute(scope), async (c) => {
      const { name, version } = (c.req as unknown as { valid(t: 'param'): { name: string; version?: string } }).valid('param')
      return c.json({ model_stats: await modelStatistics(deps.ctx.registry, deps.state, name, version) }, 200)
    })
  }
}
