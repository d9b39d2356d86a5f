import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { SCOPES, type AppEnv, type FrontDoorContext, type RoutePolicy } from '../../../core/index.ts'
import { RECALIBRATION_METHODS } from '../recalibration/fit.ts'
import { recalibrateAudited, type RecalibrationDeps } from './recalibrate.ts'

const isoDate = z.string().datetime({ offset: true }).openapi({ example: '2026-11-01T00:00:00Z' })
const problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description })

const Body = z
  .object({
    model: z.string().min(1).max(128),
    version: z.string().min(1).max(64).openapi({ description: 'The version whose logged predictions and outcomes are fitted; its files are reused' }),
    method: z.enum(RECALIBRATION_METHODS).openapi({ description: '`logistic` (intercept and slope on the logit) or `isotonic`' }),
    from: isoDate.optional(),
    to: isoDate.optional(),
    newVersion: z.string().min(1).max(64).optional().openapi({ description: 'Default: the next patch above every registered version' }),
    folds: z.number().int().min(2).max(20).optional().openapi({ description: 'Cross-validation folds (default 5)' }),
    seed: z.number().int().min(0).max(4_294_967_295).optional().openapi({ description: 'Seed of the fold draw (default 0)' }),
  })
  .openapi('RecalibrationRequest')

const route = createRoute({
  method: 'post',
  path: '/monitoring/recalibrate',
  tags: ['monitoring'],
  summary: "Fit a site recalibration of a version's score on the joined outcomes and register it as a new version (not promoted)",
  request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
  responses: {
    201: {
      content: {
        'application/json': {
          schema: z
            .object({ version: z.string(), cv: z.object({}).passthrough() })
            .passthrough()
            .openapi('RecalibrationResult'),
        },
      },
      description: 'The new version, its calibration and the cross-validated calibration figures before and after',
    },
    400: problem('Bad request'),
    401: problem('No valid token'),
    403: problem('Missing scope'),
    404: problem('No such model or version'),
    409: problem('The new version exists'),
    422: problem('Too few outcomes, or no fit'),
  },
})

/** `POST /monitoring/recalibrate`: audited as `model.recalibrate`, refused or not. */
export function recalibrationRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, deps: Omit<RecalibrationDeps, 'registry' | 'clock'>) {
  app.openapi(route, async (c) => {
    const caller = c.get('caller')
    const actor = { audit: ctx.audit, subject: caller.subject, requestId: c.get('requestId'), ip: caller.ip }
    const result = await recalibrateAudited({ ...deps, registry: ctx.registry, clock: ctx.clock }, c.req.valid('json'), actor)
    return c.json(result as unknown as { version: string; cv: Record<string, unknown> }, 201)
  })
}

export const recalibrationPolicies: Record<string, RoutePolicy> = {
  // Registers a version (models.write); spans every patient's outcomes, so not for a patient-context token.
  'POST /monitoring/recalibrate': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'handler', patientContext: 'refuse' },
}
