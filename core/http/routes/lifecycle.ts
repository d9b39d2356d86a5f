import { createRoute, z, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import { requireScope, SCOPES } from '../../security/scopes.ts'
import { canaryPercent } from '../../registry/canary.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { problem } from '../schemas.ts'

/** The audit actions that make up a model's timeline, oldest first. */
export const LIFECYCLE_ACTIONS = [
  'model.register',
  'model.recalibrate',
  'model.approve',
  'model.shadow',
  'model.shadow_stop',
  'model.canary',
  'model.canary_step',
  'model.rollback',
  'model.promote',
  'model.archive',
] as const

const EPOCH = '1970-01-01T00:00:00.000Z'
const END_OF_TIME = '9999-12-31T23:59:59.999Z'
const name = z.object({
  name: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'name', in: 'path' }, example: 'readmission-risk' }),
})
const versioned = name.extend({
  version: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'version', in: 'path' }, example: '2.0.0' }),
})
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } })

const ApprovalSchema = z.object({ version: z.string(), by: z.string(), reason: z.string(), at: z.string() })
const LifecycleSchema = z
  .object({
    name: z.string(),
    shadows: z.array(z.string()),
    canary: z
      .object({
        version: z.string(),
        champion: z.string(),
        steps: z.array(z.number()),
        step: z.number().int(),
        stepStartedAt: z.string(),
        stepEveryMs: z.number().optional(),
        rollbackOn: z.array(z.string()),
        startedBy: z.string(),
        percentNow: z.number().openapi({ description: 'The share of patients the canary scores now (steps widen on schedule)' }),
      })
      .optional(),
    approvals: z.array(ApprovalSchema),
    lastRollback: z.object({ version: z.string(), champion: z.string(), at: z.string(), reason: z.string() }).optional(),
  })
  .openapi('ModelLifecycle')
const TimelineSchema = z
  .object({
    name: z.string(),
    events: z.array(
      z.object({
        seq: z.number(),
        ts: z.string(),
        action: z.string(),
        actor: z.string(),
        version: z.string().nullable(),
        reason: z.string().nullable(),
        context: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('ModelTimeline')
const errors = { 403: problem('Missing scope'), 404: problem('No such model or version'), 409: problem('Refused by governance or a concurrent change') }
const post = <P extends string, R extends NonNullable<RouteConfig['request']>>(path: P, summary: string, request: R) =>
  createRoute({
    method: 'post',
    path,
    tags: ['models'],
    summary,
    request,
    responses: { 200: json(LifecycleSchema, 'The lifecycle after the step'), ...errors },
  })

const routes = {
  state: createRoute({
    method: 'get',
    path: '/models/{name}/lifecycle',
    tags: ['models'],
    summary: 'Shadows, the canary (with its share now), approvals and the last rollback',
    request: { params: name },
    responses: { 200: json(LifecycleSchema, 'The lifecycle'), 404: problem('No such model') },
  }),
  timeline: createRoute({
    method: 'get',
    path: '/models/{name}/timeline',
    tags: ['models'],
    summary: 'Every lifecycle step of a model (register, approve, shadow, canary, rollback, promote, archive) from the audit trail',
    request: { params: name },
    responses: { 200: json(TimelineSchema, 'Oldest first'), 404: problem('No such model') },
  }),
  approve: post('/models/{name}/versions/{version}/approve', 'Approve a version as the second person (scope nexora/models.approve)', {
    params: versioned,
    ...body(z.object({ reason: z.string().trim().min(3).max(2000) })),
  }),
  shadow: post('/models/{name}/versions/{version}/shadow', 'Score a version in the shadow of the serving one (or stop)', {
    params: versioned,
    ...body(z.object({ enabled: z.boolean() })),
  }),
  canary: post('/models/{name}/versions/{version}/canary', 'Route a share of patients (by patient hash) to an approved version', {
    params: versioned,
    ...body(
      z.object({
        steps: z.array(z.number().gt(0).max(100)).min(1).max(20),
        stepEveryMinutes: z.number().positive().max(525_600).optional(),
        rollbackOn: z.array(z.string().min(1).max(128)).max(50).optional(),
      }),
    ),
  }),
  advance: post('/models/{name}/canary/advance', 'Widen the canary to its next step now', { params: name }),
  rollback: post('/models/{name}/canary/rollback', 'Return every patient to the champion now', {
    params: name,
    ...body(z.object({ reason: z.string().trim().min(3).max(500) })),
  }),
}

const words = (context: Record<string, unknown>) =>
  typeof context.reason === 'string' ? context.reason : typeof context.note === 'string' ? context.note : null

export function lifecycleRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  const view = async (model: string) => {
    await deps.registry.get(model)
    const s = await deps.lifecycle.state(model)
    const canary = s.canary ? { ...s.canary, percentNow: canaryPercent(s.canary, deps.now()) } : undefined
    return { name: model, ...s, canary }
  }
  app.openapi(routes.state, async (c) => c.json(await view(c.req.valid('param').name), 200))
  app.openapi(routes.timeline, async (c) => {
    const model = c.req.valid('param').name
    await deps.registry.get(model)
    const pages = await Promise.all(LIFECYCLE_ACTIONS.map((action) => deps.audit.queryLogs(EPOCH, END_OF_TIME, { model, action }, { limit: 1000 })))
    const events = pages
      .flatMap((p) => p.events)
      .sort((a, b) => a.seq - b.seq)
      // An approval's or a manual rollback's words are kept in the context; the reason column holds codes.
      .map((e) => ({
        seq: e.seq,
        ts: e.ts,
        action: e.action,
        actor: e.actor,
        version: e.version ?? null,
        reason: e.reason ?? words(e.context),
        context: e.context,
      }))
    return c.json({ name: model, events }, 200)
  })
  app.openapi(routes.approve, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsApprove)
    const { name: model, version } = c.req.valid('param')
    await deps.lifecycle.approve(model, version, caller.subject, c.req.valid('json').reason)
    return c.json(await view(model), 200)
  })
  app.openapi(routes.shadow, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const { name: model, version } = c.req.valid('param')
    await deps.lifecycle.shadow(model, version, c.req.valid('json').enabled, caller.subject)
    return c.json(await view(model), 200)
  })
  app.openapi(routes.canary, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const { name: model, version } = c.req.valid('param')
    const { steps, stepEveryMinutes, rollbackOn } = c.req.valid('json')
    await deps.lifecycle.startCanary(model, version, { steps, stepEveryMs: stepEveryMinutes && stepEveryMinutes * 60_000, rollbackOn }, caller.subject)
    return c.json(await view(model), 200)
  })
  app.openapi(routes.advance, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const model = c.req.valid('param').name
    await deps.lifecycle.advanceCanary(model, caller.subject)
    return c.json(await view(model), 200)
  })
  app.openapi(routes.rollback, async (c) => {
    const caller = c.get('caller')
    requireScope(caller, SCOPES.modelsWrite)
    const model = c.req.valid('param').name
    await deps.registry.get(model)
    await deps.lifecycle.rollback(model, caller.subject, 'manual', c.req.valid('json').reason)
    return c.json(await view(model), 200)
  })
}
