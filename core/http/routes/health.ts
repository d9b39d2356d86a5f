import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv, HttpDeps } from '../env.ts'

const PortStatus = z.object({ ok: z.boolean(), detail: z.string().optional(), provider: z.string().optional(), required: z.boolean() })
const HealthSchema = z.object({ status: z.enum(['ok', 'down']), ports: z.record(z.string(), PortStatus) }).openapi('Health')

const readiness = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['system'],
    summary,
    responses: {
      200: { content: { 'application/json': { schema: HealthSchema } }, description: 'Every required port is up, and audit events are being committed' },
      503: {
        content: { 'application/json': { schema: HealthSchema } },
        description: 'A required port is down, or audit writes are failing (a full disk): send this replica no traffic',
      },
    },
  })
const live = createRoute({
  method: 'get',
  path: '/health/live',
  tags: ['system'],
  summary: 'Liveness: the process answers (restart it only when this fails)',
  responses: { 200: { content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } }, description: 'The process is up' } },
})

export function healthRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  const ready = async (c: Context<AppEnv>) => {
    const report = await deps.health()
    return c.json(report, report.status === 'ok' ? 200 : 503)
  }
  // `/health` is the readiness report too, as it always was.
  app.openapi(readiness('/health', 'Readiness of each port (same as /health/ready)'), ready)
  app.openapi(readiness('/health/ready', 'Readiness: every required port is up and audit writes commit'), ready)
  // Liveness stays up through a storage outage: restarting would not give the disk room.
  app.openapi(live, (c) => c.json({ status: 'ok' as const }, 200))
}
