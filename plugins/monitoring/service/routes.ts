import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import {
  ADVERSE_SEVERITIES,
  ADVERSE_STATUSES,
  NexoraError,
  PREDICT_ACCESS,
  SCOPES,
  type AdverseEventStore,
  type AppEnv,
  type ComplianceStage,
  type FrontDoorContext,
  type PredictionLog,
  type RoutePolicy,
} from '../../../core/index.ts'
import '../errors.ts'
import { denyPatientContext, launchPatientRef, requireLaunchPatient } from '../../../core/security/patient-context.ts'
import { toFhirAdverseEvent, type adverseEventService } from './adverse-events.ts'
import type { AlertEngine } from './alerts.ts'
import { comparePolicies, compareRoutes } from './compare-routes.ts'
import { estimatedPolicies, estimatedRoutes } from './estimated-routes.ts'
import type { Monitor } from './monitor.ts'
import { CODE_FIELDS } from './codes.ts'
import type { OutcomeInput } from './outcomes.ts'
import { overridePolicies, overrideRoutes } from './overrides.ts'

const isoDate = z.string().datetime({ offset: true }).openapi({ example: '2026-11-01T00:00:00Z' })
const problem = (description: string) => ({ content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description })
const errors = { 400: problem('Bad request'), 401: problem('No valid token'), 403: problem('Missing scope') }
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
const Loose = z.object({}).passthrough()

const Outcome = z
  .object({
    model: z.string().min(1).max(128),
    patient: z.string().min(1).max(256).optional().openapi({ description: '`Patient/<id>` or `<id>`; stored only as its HMAC' }),
    predictionId: CODE_FIELDS.predictionId.optional().openapi({ description: '`<requestId>#<row>` from a /predict response' }),
    value: z.union([z.literal(0), z.literal(1)]),
    observedAt: isoDate.optional(),
  })
  .refine((o) => o.patient !== undefined || o.predictionId !== undefined, { message: 'give a patient or a predictionId' })
const Window = {
  model: z.string().min(1).max(128),
  version: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}
const Perf = z.object({
  ...Window,
  threshold: z.coerce.number().min(0).max(1).optional(),
  bins: z.coerce.number().int().min(2).max(50).default(10),
  bootstrap: z.coerce.number().int().min(0).max(2000).default(500),
  seed: z.coerce.number().int().min(0).default(0),
})
const Fair = z.object({
  ...Window,
  attribute: z.string().min(1).max(256).openapi({ description: 'One feature, or several comma-separated for intersections' }),
  threshold: z.coerce.number().min(0).max(1).optional(),
  minGroupSize: z.coerce.number().int().min(1).default(30),
})
const Drift = z.object({
  ...Window,
  reference: z.string().max(100).default('training').openapi({ description: "`training` (the version's profile) or `<from>/<to>`" }),
})
const AdverseInput = z
  .object({
    type: z.string().min(1).max(100),
    severity: z.enum(ADVERSE_SEVERITIES),
    description: z.string().min(1).max(10_000),
    occurredAt: isoDate.optional(),
    predictionId: CODE_FIELDS.predictionId.optional(),
    model: CODE_FIELDS.model.optional(),
    version: CODE_FIELDS.version.optional(),
    patientRef: z
      .string()
      .regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/)
      .optional(),
  })
  .openapi('AdverseEventInput')
const AdversePatch = z
  .object({
    status: z.enum(ADVERSE_STATUSES).optional(),
    severity: z.enum(ADVERSE_SEVERITIES).optional(),
    description: z.string().min(1).max(10_000).optional(),
    type: z.string().min(1).max(100).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
  .openapi('AdverseEventPatch')
const AdverseEventSchema = AdverseInput.extend({
  id: z.string(),
  status: z.enum(ADVERSE_STATUSES),
  reporter: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  occurredAt: z.string(),
  predictionId: z.string().nullable(),
  model: z.string().nullable(),
  version: z.string().nullable(),
  patientRef: z.string().nullable(),
}).openapi('AdverseEvent')
const List = z.object({
  model: z.string().max(128).optional(),
  severity: z.enum(ADVERSE_SEVERITIES).optional(),
  status: z.enum(ADVERSE_STATUSES).optional(),
  patient: z.string().max(256).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
const Id = z.object({ id: z.string().min(1).max(64) })

const tag = ['monitoring']
const routes = {
  outcomes: createRoute({
    method: 'post',
    path: '/monitoring/outcomes',
    tags: tag,
    summary: 'Record observed outcomes; they join logged predictions by prediction id or by patient within the horizon',
    request: {
      body: {
        content: { 'application/json': { schema: z.object({ outcomes: z.array(Outcome).min(1).max(10_000) }).openapi('OutcomesRequest') } },
        required: true,
      },
    },
    responses: { 200: json(z.object({ recorded: z.number().int() }), 'Stored'), ...errors },
  }),
  pull: createRoute({
    method: 'post',
    path: '/monitoring/outcomes/pull',
    tags: tag,
    summary: 'Run the configured FHIR outcome rules now',
    responses: { 200: json(z.object({ results: z.array(Loose) }), 'Counts per rule'), ...errors, 503: problem('No FHIR server is configured') },
  }),
  performance: createRoute({
    method: 'get',
    path: '/monitoring/performance',
    tags: tag,
    summary: 'AUROC, AUPRC, Brier (with bootstrap CIs), log-loss, calibration and threshold metrics over a window',
    request: { query: Perf },
    responses: {
      200: json(Loose.openapi('PerformanceReport'), 'The report (null metrics when no outcome is known yet)'),
      ...errors,
      404: problem('No such model'),
    },
  }),
  fairness: createRoute({
    method: 'get',
    path: '/monitoring/fairness',
    tags: tag,
    summary: 'Per-group metrics and disparities by one or more logged features',
    request: { query: Fair },
    responses: { 200: json(Loose.openapi('FairnessReport'), 'The report'), ...errors, 404: problem('No such model'), 422: problem('Features are not logged') },
  }),
  drift: createRoute({
    method: 'get',
    path: '/monitoring/drift',
    tags: tag,
    summary: 'Per-feature and score drift against the training profile or an earlier window',
    request: { query: Drift },
    responses: { 200: json(Loose.openapi('DriftReportResponse'), 'The report'), ...errors, 404: problem('No such model'), 422: problem('No training profile') },
  }),
  alerts: createRoute({
    method: 'get',
    path: '/monitoring/alerts',
    tags: tag,
    summary: 'Alert rules and their current state',
    responses: { 200: json(z.object({ rules: z.array(Loose), states: z.array(Loose) }), 'Rules and states'), ...errors },
  }),
  evaluate: createRoute({
    method: 'post',
    path: '/monitoring/evaluate',
    tags: tag,
    summary: 'Run every report for each serving model now (also runs on the configured interval)',
    responses: { 200: json(Loose, 'What was evaluated'), ...errors },
  }),
  report: createRoute({
    method: 'post',
    path: '/adverse-events',
    tags: ['adverse-events'],
    summary: 'Report an adverse event linked to a prediction, model version or patient',
    request: { body: { content: { 'application/json': { schema: AdverseInput } }, required: true } },
    responses: {
      201: json(AdverseEventSchema, 'Recorded; severe events alert the configured hooks'),
      ...errors,
      422: problem('PHI found where the guard rejects it'),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/adverse-events',
    tags: ['adverse-events'],
    summary: 'Adverse events, newest first',
    request: { query: List },
    responses: { 200: json(z.object({ events: z.array(AdverseEventSchema) }), 'A page'), ...errors },
  }),
  get: createRoute({
    method: 'get',
    path: '/adverse-events/{id}',
    tags: ['adverse-events'],
    summary: 'One adverse event',
    request: { params: Id },
    responses: { 200: json(AdverseEventSchema, 'The event'), ...errors, 404: problem('No such event') },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/adverse-events/{id}',
    tags: ['adverse-events'],
    summary: 'Update status, severity, type or description',
    request: { params: Id, body: { content: { 'application/json': { schema: AdversePatch } }, required: true } },
    responses: { 200: json(AdverseEventSchema, 'The updated event'), ...errors, 404: problem('No such event') },
  }),
  fhir: createRoute({
    method: 'get',
    path: '/adverse-events/{id}/fhir',
    tags: ['adverse-events'],
    summary: 'The event as a FHIR R4 AdverseEvent',
    request: { params: Id },
    responses: {
      200: {
        content: { 'application/fhir+json': { schema: z.object({ resourceType: z.literal('AdverseEvent') }).passthrough() } },
        description: 'AdverseEvent',
      },
      ...errors,
      404: problem('No such event'),
    },
  }),
}

export interface MonitoringRouteDeps {
  monitor: Monitor
  log: PredictionLog
  alerts: AlertEngine
  events: ReturnType<typeof adverseEventService>
  store: AdverseEventStore
  recordOutcomes(inputs: OutcomeInput[]): Promise<number>
  pullOutcomes(): Promise<unknown[]>
  stages: () => ComplianceStage[]
}

/** The monitoring and adverse-event front door. */
export function monitoringRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, d: MonitoringRouteDeps) {
  const found = <T>(value: T | undefined): T => {
    if (value === undefined) throw new NexoraError('adverse_event.not_found')
    return value
  }
  // Free text goes through the compliance stages (the phi-guard) as route `adverse-events`.
  const screen = async <T>(c: Context<AppEnv>, payload: T): Promise<T> => {
    let current = payload
    for (const stage of d.stages()) {
      if (stage.order === 'pre' && (stage.appliesTo?.('adverse-events') ?? true))
        current = await stage.process({ caller: c.get('caller'), requestId: c.get('requestId'), route: 'adverse-events' }, current)
    }
    return current
  }
  const audit = (c: Context<AppEnv>, action: string, event: { id: string; patientRef: string | null; severity: string; model: string | null }) => {
    const caller = c.get('caller')
    return ctx.audit.logDataAccess({
      userId: caller.subject,
      action,
      patientId: event.patientRef,
      requestId: c.get('requestId'),
      ip: caller.ip,
      context: { id: event.id, severity: event.severity, model: event.model },
    })
  }

  /** An event the caller may see: a patient-context token only sees its launch patient's. */
  const visible = async (c: Context<AppEnv>, id: string) => {
    const event = found(await d.store.get(id))
    await requireLaunchPatient(c, ctx.audit, event.patientRef)
    return event
  }

  app.openapi(routes.outcomes, async (c) => {
    const { outcomes } = c.req.valid('json')
    // A prediction id could label another patient's prediction: a patient-context token names its patient.
    if (launchPatientRef(c.get('caller')) && outcomes.some((o) => o.predictionId !== undefined))
      await denyPatientContext(c, ctx.audit, 'a patient-context token records outcomes by its launch patient, not by prediction id')
    for (const o of outcomes) await requireLaunchPatient(c, ctx.audit, o.patient)
    return c.json({ recorded: await d.recordOutcomes(outcomes) }, 200)
  })
  app.openapi(routes.pull, async (c) => c.json({ results: (await d.pullOutcomes()) as Record<string, unknown>[] }, 200))
  app.openapi(routes.performance, async (c) => {
    const { model, version, from, to, ...options } = c.req.valid('query')
    return c.json(await d.monitor.performance({ model, version, from, to }, options), 200)
  })
  app.openapi(routes.fairness, async (c) => {
    const { model, version, from, to, attribute, ...options } = c.req.valid('query')
    return c.json(
      await d.monitor.fairness(
        { model, version, from, to },
        attribute
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
        options,
      ),
      200,
    )
  })
  app.openapi(routes.drift, async (c) => {
    const { reference, ...q } = c.req.valid('query')
    return c.json(await d.monitor.drift(q, reference), 200)
  })
  app.openapi(routes.alerts, (c) =>
    c.json({ rules: d.alerts.rules as unknown as Record<string, unknown>[], states: d.alerts.states() as unknown as Record<string, unknown>[] }, 200),
  )
  app.openapi(routes.evaluate, async (c) => c.json(await d.monitor.evaluate(), 200))
  overrideRoutes(app, ctx, d.monitor.observe)
  estimatedRoutes(app, d.monitor)
  compareRoutes(app, ctx, { log: d.log, horizonMs: d.monitor.horizonMs })

  app.openapi(routes.report, async (c) => {
    await requireLaunchPatient(c, ctx.audit, c.req.valid('json').patientRef)
    const input = await screen(c, c.req.valid('json'))
    const event = await d.events.create(input, c.get('caller'))
    await audit(c, 'adverse_event.create', event)
    return c.json(event, 201)
  })
  app.openapi(routes.list, async (c) => {
    const { limit, offset, patient, ...filter } = c.req.valid('query')
    if (patient !== undefined) await requireLaunchPatient(c, ctx.audit, patient)
    return c.json({ events: await d.store.list({ ...filter, patientRef: launchPatientRef(c.get('caller')) ?? patient }, { limit, offset }) }, 200)
  })
  app.openapi(routes.get, async (c) => c.json(await visible(c, c.req.valid('param').id), 200))
  app.openapi(routes.patch, async (c) => {
    await visible(c, c.req.valid('param').id)
    const patch = await screen(c, c.req.valid('json'))
    const event = found(await d.events.update(c.req.valid('param').id, patch))
    await audit(c, 'adverse_event.update', event)
    return c.json(event, 200)
  })
  app.openapi(routes.fhir, async (c) => {
    const event = await visible(c, c.req.valid('param').id)
    return c.body(JSON.stringify(toFhirAdverseEvent(event)), 200, { 'content-type': 'application/fhir+json' }) as never
  })
}

const monitor = { anyOf: [SCOPES.monitor] }
const readEvents = { anyOf: [SCOPES.monitor, SCOPES.auditRead] }
// Reports, alerts, pulls and evaluations span every patient: a patient-context token gets none of them.
export const monitoringPolicies: Record<string, RoutePolicy> = {
  'POST /monitoring/outcomes': { access: monitor, rate: 'write', audit: 'middleware', patientContext: 'own' },
  'POST /monitoring/outcomes/pull': { access: monitor, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'GET /monitoring/performance': { access: monitor, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
  'GET /monitoring/fairness': { access: monitor, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
  'GET /monitoring/drift': { access: monitor, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
  'GET /monitoring/alerts': { access: monitor, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
  'POST /monitoring/evaluate': { access: monitor, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  // The handlers check the event's patient: filed, listed, read and updated for the launch patient only.
  'POST /adverse-events': { access: { anyOf: [SCOPES.monitor, ...PREDICT_ACCESS] }, rate: 'write', audit: 'handler', patientContext: 'own' },
  'GET /adverse-events': { access: readEvents, rate: 'read', audit: 'middleware', patientContext: 'own' },
  'GET /adverse-events/:id': { access: readEvents, rate: 'read', audit: 'middleware', patientContext: 'own' },
  'PATCH /adverse-events/:id': { access: monitor, rate: 'write', audit: 'handler', patientContext: 'own' },
  'GET /adverse-events/:id/fhir': { access: readEvents, rate: 'read', audit: 'middleware', patientContext: 'own' },
  ...overridePolicies,
  ...estimatedPolicies,
  ...comparePolicies,
}
