import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, HttpDeps } from '../env.ts'

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['system'],
  summary: 'Prometheus metrics (text exposition format)',
  description:
    'Requests per route pattern and status, latency histograms, predictions per model, version and label, model load time, audit commit latency. No label ' +
    'carries PHI: routes are patterns, never paths. Needs `nexora/metrics` (give Prometheus a token with it).',
  responses: { 200: { content: { 'text/plain': { schema: z.string() } }, description: 'Prometheus text format 0.0.4' } },
})

export function metricsRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(route, (c) => c.body(deps.metrics.expose(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }) as never)
}
