import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { SCOPES, type AppEnv, type FrontDoorContext, type PredictionLog, type RoutePolicy } from '../../../core/index.ts'
import { compareReport } from './compare.ts'

const isoDate = z.string().datetime({ offset: true })
const problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description })
const Query = z.object({
  model: z.string().min(1).max(128),
  challenger: z.string().min(1).max(64).openapi({ description: 'The shadow version' }),
  from: isoDate.optional(),
  to: isoDate.optional().openapi({ description: 'Exclusive' }),
  bootstrap: z.coerce.number().int().min(0).max(2000).default(500),
  seed: z.coerce.number().int().min(0).default(0),
})

const route = createRoute({
  method: 'get',
  path: '/monitoring/compare',
  tags: ['monitoring'],
  summary: 'A shadow version against the versions that answered the same requests: label agreement, score differences, paired CIs once outcomes arrive',
  request: { query: Query },
  responses: {
    200: { content: { 'application/json': { schema: z.object({}).passthrough().openapi('ShadowComparison') } }, description: 'The comparison' },
    400: problem('Bad request'),
    401: problem('No valid token'),
    403: problem('Missing scope'),
    404: problem('No such model or version'),
  },
})

/** `GET /monitoring/compare`: the shadow comparison of service/compare.ts over the prediction log's shadow rows. */
export function compareRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, d: { log: PredictionLog; horizonMs: (model: string) => number }) {
  app.openapi(route, async (c) => {
    const { model, challenger, from, to, bootstrap, seed } = c.req.valid('query')
    const candidate = await ctx.registry.getVersion(model, challenger)
    const rows = await d.log.window({ model, version: challenger, from, to, shadow: true, limit: 200_000 }, d.horizonMs(model))
    // Each row names the version that answered; the report labels them at that version's threshold.
    const served = [...new Set(rows.map((r) => r.shadowOf!))]
    const thresholds = await Promise.all(served.map(async (v) => (await ctx.registry.getVersion(model, v).catch(() => undefined))?.manifest.threshold))
    const championThreshold = served.length === 1 ? thresholds[0] : undefined
    const report = compareReport(rows, { championThreshold, challengerThreshold: candidate.manifest.threshold, bootstrap, seed })
    return c.json(
      { model, challenger, champions: served, window: { from: from ?? null, to: to ?? null }, horizonDays: d.horizonMs(model) / 86_400_000, ...report },
      200,
    )
  })
}

export const comparePolicies: Record<string, RoutePolicy> = {
  // Spans every patient's predictions, as the other reports: not for a patient-context token.
  'GET /monitoring/compare': { access: { anyOf: [SCOPES.monitor] }, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
}
