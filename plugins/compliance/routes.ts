import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { NexoraError, SCOPES, type AppEnv, type FhirResource, type FrontDoorContext, type RoutePolicy } from '../../core/index.ts'
import { deidentifyResource, deidentifyText, type DeidKey, type HmacSha256, type OperatorName } from '../deid/index.ts'
import { detectPhi, detectPhiInResource } from '../phi/index.ts'
import { PHI_TYPES, type PhiType } from '../phi/index.ts'

const Resource = z
  .object({ resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/) })
  .passthrough()
  .openapi('FhirResource')
const Input = z
  .object({
    text: z.string().max(1_000_000).optional(),
    resource: Resource.optional(),
    mode: z
      .enum(['recall', 'precision'])
      .optional()
      .openapi({ description: 'recall (default): every word no list calls safe is a candidate; precision: only identifiers with context' }),
  })
  .refine((b) => (b.text === undefined) !== (b.resource === undefined), { message: 'give exactly one of text or resource' })
const OperatorNames = z.enum(['redact', 'replace', 'mask', 'pseudonymize', 'dateShift', 'generalize'])
const DeidInput = z
  .object({
    text: z.string().max(1_000_000).optional(),
    resource: Resource.optional(),
    patientId: z.string().max(64).optional().openapi({ description: 'Whose text it is: the date shift and pseudonyms are per patient' }),
    operators: z
      .partialRecord(z.enum(PHI_TYPES), OperatorNames)
      .optional()
      .openapi({ description: 'Per-type operators; unset types use the Safe Harbor defaults' }),
    dates: z.enum(['shift', 'year']).optional(),
  })
  .refine((b) => (b.text === undefined) !== (b.resource === undefined), { message: 'give exactly one of text or resource' })
  .openapi('DeidentifyRequest')
const Span = z.object({ start: z.number().int(), end: z.number().int(), type: z.enum(PHI_TYPES), score: z.number(), detector: z.string() })
const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description })
const errors = {
  400: { content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description: 'Bad request' },
  401: { content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description: 'No valid token' },
  403: { content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description: 'Needs nexora/deid' },
}

const detect = createRoute({
  method: 'post',
  path: '/phi/detect',
  tags: ['phi'],
  summary: 'Find PHI in text (spans) or in a FHIR resource (element paths)',
  request: { body: { content: { 'application/json': { schema: Input.openapi('PhiDetectRequest') } }, required: true } },
  responses: {
    200: json(
      z.object({
        entities: z.array(Span).optional(),
        findings: z.array(z.object({ path: z.string(), type: z.enum(PHI_TYPES), spans: z.array(Span).optional() })).optional(),
        counts: z.record(z.string(), z.number()),
      }),
      'Spans (UTF-16 offsets) or findings, and counts by type',
    ),
    ...errors,
  },
})
const deid = createRoute({
  method: 'post',
  path: '/deidentify',
  tags: ['phi'],
  summary: 'De-identify text, a FHIR resource or a Bundle (HIPAA Safe Harbor profile)',
  request: { body: { content: { 'application/json': { schema: DeidInput } }, required: true } },
  responses: {
    200: json(
      z.object({ text: z.string().optional(), resource: z.record(z.string(), z.unknown()).optional(), counts: z.record(z.string(), z.number()) }),
      'The de-identified copy and counts by type',
    ),
    ...errors,
    503: {
      content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } },
      description: 'No de-identification key is configured',
    },
  },
})

const tally = (types: PhiType[]) => types.reduce<Record<string, number>>((c, t) => ({ ...c, [t]: (c[t] ?? 0) + 1 }), {})

/** `POST /phi/detect` and `POST /deidentify`, audited with counts by type: the text itself is never stored. */
export function phiRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, key: DeidKey | undefined, hmac?: HmacSha256) {
  app.openapi(detect, async (c) => {
    const body = c.req.valid('json')
    const caller = c.get('caller')
    const result =
      body.text !== undefined
        ? (() => {
            const entities = detectPhi(body.text, { mode: body.mode })
            return { entities, counts: tally(entities.map((e) => e.type)) }
          })()
        : (() => {
            const findings = detectPhiInResource(body.resource!, { mode: body.mode })
            return { findings, counts: tally(findings.map((f) => f.type)) }
          })()
    await ctx.audit.logDataAccess({
      userId: caller.subject,
      action: 'phi.detect',
      requestId: c.get('requestId'),
      ip: caller.ip,
      context: { input: body.text !== undefined ? 'text' : body.resource!.resourceType, counts: result.counts },
    })
    return c.json(result, 200)
  })
  app.openapi(deid, async (c) => {
    if (!key) throw new NexoraError('storage.unavailable', { detail: 'no de-identification key is configured' })
    const body = c.req.valid('json')
    const caller = c.get('caller')
    const options = { key, hmac, operators: body.operators as Partial<Record<PhiType, OperatorName>> | undefined, dates: body.dates }
    const result =
      body.text !== undefined
        ? await deidentifyText(body.text, { ...options, patientId: body.patientId }).then((r) => ({ text: r.text, counts: r.counts as Record<string, number> }))
        : await deidentifyResource(body.resource as FhirResource, { ...options, patientId: body.patientId }).then((r) => ({
            resource: r.resource as Record<string, unknown>,
            counts: r.counts as Record<string, number>,
          }))
    await ctx.audit.logDataAccess({
      userId: caller.subject,
      action: 'deid.apply',
      requestId: c.get('requestId'),
      ip: caller.ip,
      context: { input: body.text !== undefined ? 'text' : body.resource!.resourceType, counts: result.counts },
    })
    return c.json(result, 200)
  })
}

const access = { anyOf: [SCOPES.deid] }
export const phiPolicies: Record<string, RoutePolicy> = {
  // Spans of the text the caller sent: nothing stored, no patient's data read.
  'POST /phi/detect': { access, rate: 'read', audit: 'handler', patientContext: 'any' },
  // Refused: pseudonyms and date shifts are keyed by whatever patient ids the input names (a
  // `patientId`, a Patient's id, each reference in a Bundle), so the answer links other patients.
  'POST /deidentify': { access, rate: 'read', audit: 'handler', patientContext: 'refuse' },
}
