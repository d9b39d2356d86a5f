import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, HttpDeps } from '../env.ts'

const PortStatus = z.object({ ok: z.boolean(), detail: z.string().optional(), provider: z.string().optional(), required: z.boolean() })
const HealthSchema = z.object({ status: z.enum(['ok', 'down']), ports: z.record(z.string(), PortStatus) }).openapi('Health')

const route = createRoute({
  method: 'get', path: '/health', tags: ['system'], summary: 'Liveness and the readiness of each port',
  responses: {
    200: { content: { 'application/json': { schema: HealthSchema } }, description: 'Every required port is up' },
    503: { content: { 'application/json': { schema: HealthSchema } }, description: 'A required port is down' },
  },
})

export function healthRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(route, async (c) => {
    const report = await deps.health()
    return c.json(report, report.status === 'ok' ? 200 : 503)
  })
}
