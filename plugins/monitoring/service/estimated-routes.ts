import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { SCOPES, type AppEnv, type RoutePolicy } from '../../../core/index.ts'
import type { Monitor } from './monitor.ts'

const isoDate = z.string().datetime({ offset: true })
const problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description })
const Query = z.object({
  model: z.string().min(1).max(128),
  version: z.string().max(64).optional().openapi({ description: 'Default: the serving version' }),
  from: isoDate.optional().openapi({ description: 'Default: 30 days before `to`' }),
  to: isoDate.optional().openapi({ description: 'Exclusive; default now' }),
  chunks: z.coerce.number().int().min(1).max(100).default(5).openapi({ description: 'Equal-length time chunks of the window' }),
  reference: z.string().max(100).optional().openapi({ description: '`<from>/<to>`: labelled predictions to calibrate on; default every one before `from`' }),
  threshold: z.coerce.number().min(0).max(1).optional().openapi({ description: "Default: the manifest's threshold" }),
  calibration: z.enum(['auto', 'always', 'never']).default('auto'),
})

const route = createRoute({
  method: 'get',
  path: '/monitoring/estimated-performance',
  tags: ['monitoring'],
  summary: 'Performance estimated from the scores before outcomes arrive (CBPE), per time chunk, with the realised values where known',
  request: { query: Query },
  responses: {
    200: { content: { 'application/json': { schema: z.object({}).passthrough().openapi('EstimatedPerformanceReport') } }, description: 'The report' },
    400: problem('Bad request'),
    401: problem('No valid token'),
    403: problem('Missing scope'),
    404: problem('No such model'),
    422: problem('Too few labelled reference predictions'),
  },
})

/** `GET /monitoring/estimated-performance`: the CBPE report of service/estimated.ts. */
export function estimatedRoutes(app: OpenAPIHono<AppEnv>, monitor: Pick<Monitor, 'estimatedPerformance'>) {
  app.openapi(route, async (c) => c.json(await monitor.estimatedPerformance(c.req.valid('query')), 200))
}

export const estimatedPolicies: Record<string, RoutePolicy> = {
  // Spans every patient's predictions, as the other reports: not for a patient-context token.
  'GET /monitoring/estimated-performance': { access: { anyOf: [SCOPES.monitor] }, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
}
