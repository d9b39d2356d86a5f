import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { toAuditEventBundle } from '../../audit/fhir-audit-event.ts'
import { launchPatientRef, requireLaunchPatient } from '../../security/patient-context.ts'
import type { AppEnv, HttpDeps } from '../env.ts'
import { problem } from '../schemas.ts'

const isoDate = z.string().datetime({ offset: true }).openapi({ example: '2026-11-01T00:00:00Z' })
const Outcome = z.enum(['success', 'failure', 'denied'])
const EventSchema = z
  .object({
    seq: z.number().int(),
    ts: z.string(),
    actor: z.string(),
    action: z.string(),
    outcome: Outcome,
    patientRef: z.string().nullable().optional(),
    model: z.string().nullable().optional(),
    version: z.string().nullable().optional(),
    reason: z.string().nullable().optional(),
    requestId: z.string().nullable().optional(),
    ip: z.string().nullable().optional(),
    context: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEvent')
const Query = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  actor: z.string().max(256).optional(),
  patient: z.string().max(256).optional(),
  action: z.string().max(64).optional(),
  model: z.string().max(128).optional(),
  outcome: Outcome.optional(),
  requestId: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).optional(),
  format: z.enum(['json', 'fhir']).default('json'),
})
const Jws = z
  .string()
  .max(4096)
  .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'a compact JWS')
const Verify = z
  .object({
    fromSeq: z.number().int().min(1).optional(),
    toSeq: z.number().int().min(1).optional(),
    checkpoints: z
      .array(Jws)
      .max(100)
      .optional()
      .openapi({ description: 'Signed checkpoints you hold (compact JWS); the chain is held against them as well as against the witnesses' }),
  })
  .openapi('VerifyRequest')
const Checkpoint = z.object({ seq: z.number().int(), hash: z.string(), ts: z.string(), kid: z.string().optional(), jws: z.string().optional() })
const Break = z.object({
  fromSeq: z.number().int(),
  toSeq: z.number().int(),
  reason: z.enum(['sequence_gap', 'broken_link', 'hash_mismatch', 'truncated', 'checkpoint_mismatch']),
})
const VerifyResult = z
  .object({
    ok: z.boolean(),
    events: z.number().int(),
    firstBadSeq: z.number().int().optional(),
    reason: z.string().optional(),
    breaks: z.array(Break).optional(),
    moreBreaks: z.boolean().optional(),
    checkpoint: Checkpoint.optional(),
    signed: z
      .object({
        checked: z.number().int(),
        latest: z.object({ seq: z.number().int(), ts: z.string(), kid: z.string() }).optional(),
        invalid: z.number().int().optional(),
      })
      .optional(),
  })
  .openapi('VerifyResult')
const Counts = z.record(z.string(), z.number())
const Report = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.number(),
    byUser: Counts,
    byPatient: Counts,
    byModel: Counts,
    byAction: Counts,
    byOutcome: Counts,
    denied: z.object({ total: z.number(), byReason: Counts, byUser: Counts }),
    patients: z.record(z.string(), z.object({ first: z.string(), last: z.string(), events: z.number(), users: z.array(z.string()) })),
  })
  .openapi('AuditReport')
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
const forbidden = problem('Needs nexora/audit.read')

const events = createRoute({
  method: 'get',
  path: '/audit/events',
  tags: ['audit'],
  summary: 'Query the audit trail; `format=fhir` returns a Bundle of FHIR R4 AuditEvents',
  request: { query: Query },
  responses: {
    200: {
      content: {
        'application/json': { schema: z.object({ events: z.array(EventSchema), nextAfter: z.number().int().optional() }) },
        'application/fhir+json': { schema: z.object({ resourceType: z.literal('Bundle') }).passthrough() },
      },
      description: 'Events in sequence order',
    },
    400: problem('Bad query'),
    401: problem('No valid token'),
    403: forbidden,
  },
})
const report = createRoute({
  method: 'get',
  path: '/audit/report',
  tags: ['audit'],
  summary: 'Counts by user, patient, model and action, denials, and first/last access per patient',
  request: { query: z.object({ from: isoDate.optional(), to: isoDate.optional() }) },
  responses: { 200: json(Report, 'The report (default window: the last 30 days)'), 400: problem('Bad query'), 401: problem('No valid token'), 403: forbidden },
})
const verify = createRoute({
  method: 'post',
  path: '/audit/verify',
  tags: ['audit'],
  summary: 'Verify the hash chain; without a range, also against the latest checkpoint and the signed ones (witnesses and those given)',
  request: { body: { content: { 'application/json': { schema: Verify } }, required: false } },
  responses: {
    200: json(VerifyResult, 'ok, or every broken range'),
    401: problem('No valid token'),
    403: forbidden,
    422: problem('A given checkpoint is not signed by a trusted key'),
    503: problem('No public key to check signed checkpoints with'),
  },
})
const checkpoint = createRoute({
  method: 'post',
  path: '/audit/checkpoint',
  tags: ['audit'],
  summary: 'Record the current chain head (signed and witnessed when a signer is configured), so a later truncation or rewrite is detected',
  responses: {
    200: json(z.object({ checkpoint: Checkpoint.nullable() }), 'The checkpoint (null on an empty trail); `jws` when signed'),
    401: problem('No valid token'),
    403: problem('Needs nexora/admin'),
  },
})

const DAY = 86_400_000

export function auditRoutes(app: OpenAPIHono<AppEnv>, deps: HttpDeps) {
  app.openapi(events, async (c) => {
    const q = c.req.valid('query')
    // A patient-context token reads its launch patient's events only (route table: `own`).
    const own = launchPatientRef(c.get('caller'))
    if (q.patient !== undefined) await requireLaunchPatient(c, deps.audit, q.patient)
    const to = q.to ?? new Date(deps.now() + 1000).toISOString()
    const page = await deps.audit.queryLogs(
      q.from ?? new Date(0).toISOString(),
      to,
      {
        actor: q.actor,
        patientRef: own ?? q.patient,
        action: q.action,
        model: q.model,
        outcome: q.outcome,
        requestId: q.requestId,
      },
      { limit: q.limit, afterSeq: q.after },
    )
    if (q.format === 'fhir') {
      const next =
        page.nextAfterSeq === undefined
          ? undefined
          : (() => {
              const u = new URL(c.req.url)
              u.searchParams.set('after', String(page.nextAfterSeq))
              return u.toString()
            })()
      return c.body(JSON.stringify(toAuditEventBundle(page.events, next)), 200, { 'content-type': 'application/fhir+json' }) as never
    }
    return c.json({ events: page.events, ...(page.nextAfterSeq !== undefined ? { nextAfter: page.nextAfterSeq } : {}) }, 200)
  })
  app.openapi(report, async (c) => {
    const q = c.req.valid('query')
    const to = q.to ?? new Date(deps.now()).toISOString()
    return c.json(await deps.audit.generateReport(q.from ?? new Date(Date.parse(to) - 30 * DAY).toISOString(), to), 200)
  })
  app.openapi(verify, async (c) => {
    const { checkpoints, ...range } = (c.req.valid('json') ?? {}) as z.infer<typeof Verify>
    return c.json(await deps.audit.verify(range.fromSeq || range.toSeq ? range : undefined, { checkpoints }), 200)
  })
  app.openapi(checkpoint, async (c) => c.json({ checkpoint: (await deps.audit.checkpoint()) ?? null }, 200))
}
