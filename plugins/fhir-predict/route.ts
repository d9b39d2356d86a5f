import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { NexoraError, PREDICT_ACCESS, type AppEnv, type FhirSource, type FrontDoorContext, type Row } from '../../core/index.ts'
import { ClinicalETL, refuseDeceased, type FeatureSpec, type PatientRecord } from '../etl/index.ts'
import { toRiskAssessment } from '../fhir/index.ts'

const Params = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9\-.]+$/, 'a FHIR id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'pt-0001' }),
})
const Query = z.object({
  format: z.enum(['json', 'fhir']).default('json'),
  writeBack: z.enum(['true', 'false']).default('false'),
  detail: z.enum(['true', 'false']).default('false').openapi({ description: 'JSON only: also answer `sources`, the resources each feature came from' }),
})
const Body = z
  .object({
    model: z.string().min(1).max(128).openapi({ example: 'readmission-fhir' }),
    version: z.string().max(64).optional(),
    alias: z.enum(['production', 'staging', 'latest']).optional(),
    explain: z.boolean().optional(),
    purpose: z.string().max(64).optional(),
    indexTime: z.string().datetime({ offset: true }).optional().openapi({ description: 'Score as of this time (default now): features look back from it' }),
  })
  .openapi('FhirPredictRequest')
const OperationOutcome = z
  .object({ resourceType: z.literal('OperationOutcome'), issue: z.array(z.record(z.string(), z.unknown())) })
  .openapi('OperationOutcome')
export const fhirError = (description: string) => ({ content: { 'application/fhir+json': { schema: OperationOutcome } }, description })

export const FHIR_PREDICT_PATH = '/fhir/patient/{id}/predict'

const route = createRoute({
  method: 'post',
  path: FHIR_PREDICT_PATH,
  tags: ['fhir'],
  summary: "Score a patient from their FHIR record with a model's feature spec",
  description:
    "Fetches the patient's record from the configured FHIR server, extracts the model's features with the feature spec in its manifest, runs the " +
    'prediction pipeline (auth, audit, stages), and answers with the prediction, or a FHIR RiskAssessment with `?format=fhir` ' +
    '(`prediction.probabilityDecimal` is a probability in 0–1). `?writeBack=true` also creates the RiskAssessment on the FHIR server. `?detail=true` adds ' +
    '`sources` to the JSON answer: per feature, the resources it was computed from. A patient who had died by the index time is refused (422 ' +
    "`patient.deceased`) unless the model's manifest sets `appliesToDeceased`; age is computed at the index time or at death, whichever is earlier. " +
    'Errors are OperationOutcomes.',
  request: { params: Params, query: Query, body: { content: { 'application/json': { schema: Body } }, required: true } },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z
            .object({
              model: z.object({ name: z.string(), version: z.string() }),
              prediction: z.record(z.string(), z.unknown()),
              features: z.record(z.string(), z.unknown()),
              basis: z.array(z.string()),
              requestId: z.string(),
              sources: z
                .record(z.string(), z.array(z.string()))
                .optional()
                .openapi({ description: 'With `?detail=true`: per feature, the references (`Type/id`) it was computed from' }),
              writeBack: z.object({ id: z.string().optional() }).optional(),
            })
            .openapi('FhirPredictResponse'),
        },
        'application/fhir+json': { schema: z.object({ resourceType: z.literal('RiskAssessment') }).passthrough() },
      },
      description: 'The prediction',
    },
    400: fhirError('Bad request'),
    401: fhirError('No valid token'),
    403: fhirError('Missing scope'),
    404: fhirError('No such patient or model'),
    422: fhirError(
      'The extracted features do not fit the model, or the patient had died by the index time and the model does not apply to deceased patients ' +
        '(`patient.deceased`)',
    ),
    502: fhirError('The FHIR server failed'),
    503: fhirError('The FHIR server is unavailable'),
  },
})

const perFeature = new Map<string, Map<string, ClinicalETL>>()

/**
 * The resources each feature came from: the spec run one feature at a time (the ETL records one
 * basis per row). The one-feature ETLs are kept per model version.
 */
function featureSources(key: string, spec: FeatureSpec, record: PatientRecord, options: { now: number; indexTime?: string }): Record<string, string[]> {
  let etls = perFeature.get(key)
  if (!etls) {
    if (perFeature.size >= 32) perFeature.clear()
    etls = new Map(spec.features.map((f) => [f.name, new ClinicalETL({ ...spec, features: [f], sequence: undefined })]))
    perFeature.set(key, etls)
  }
  return Object.fromEntries([...etls].map(([name, etl]) => [name, etl.transform(record, options).basis]))
}

/** POST /fhir/patient/{id}/predict: EHR record → features → the one pipeline → prediction or RiskAssessment. */
export function fhirPredictRoute(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, fhir: FhirSource) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param')
    const query = c.req.valid('query')
    const body = c.req.valid('json')
    const requestId = c.get('requestId')
    let extracted: { features: Record<string, unknown>; basis: string[]; sources?: Record<string, string[]> } | undefined
    const result = await ctx.predict(
      {
        model: body.model,
        version: body.version,
        alias: body.alias,
        explain: body.explain,
        purpose: body.purpose,
        rows: [{ patientRef: `Patient/${id}`, features: {} }],
      },
      c.get('caller'),
      requestId,
      {
        route: 'fhir-predict',
        loadRows: async () => {
          const stored = await ctx.registry.resolve(body.model, { version: body.version, alias: body.alias })
          if (!stored.manifest.featureSpec) throw new NexoraError('model.invalid_manifest', { detail: `model "${stored.name}" has no FHIR feature spec` })
          const etl = new ClinicalETL(stored.manifest.featureSpec)
          const resources = await fhir.everything(id)
          const [record] = etl.fromBundle({ entry: resources.map((resource) => ({ resource })) })
          if (!record) throw new NexoraError('fhir.not_found', { detail: 'the record holds no Patient' })
          const now = ctx.clock.now()
          // A model that does not apply to the dead never scores a patient who had died by the index time.
          refuseDeceased(stored.manifest, record.resources, body.indexTime ? Date.parse(body.indexTime) : now)
          const row = etl.transform(record, { now, indexTime: body.indexTime })
          extracted =
            query.detail === 'true'
              ? { ...row, sources: featureSources(`${stored.name}@${stored.version}`, etl.spec, record, { now, indexTime: body.indexTime }) }
              : row
          const features = Object.fromEntries(Object.entries(row.features).filter(([, v]) => v !== null)) as Row['features']
          return {
            rows: [{ patientRef: `Patient/${id}`, features, ...(row.sequence ? { sequence: row.sequence } : {}) }],
            context: { source: 'fhir', resources: resources.length, basis: row.basis.length },
          }
        },
      },
    )
    const prediction = result.predictions[0]!
    const manifest = (await ctx.registry.getVersion(result.model.name, result.model.version)).manifest
    const assessment = toRiskAssessment({
      patientId: id,
      model: { ...result.model, description: manifest.description },
      prediction,
      basis: extracted?.basis ?? [],
      occurrence: new Date(ctx.clock.now()).toISOString(),
      requestId,
    })
    let written: { id?: string } | undefined
    if (query.writeBack === 'true') {
      written = await fhir.create(assessment)
      await ctx.audit.logDataAccess({
        userId: c.get('caller').subject,
        patientId: `Patient/${id}`,
        action: 'fhir.create',
        requestId,
        context: { resourceType: 'RiskAssessment', id: written.id ?? null },
      })
    }
    if (query.format === 'fhir') return c.body(JSON.stringify(written ?? assessment), 200, { 'content-type': 'application/fhir+json' }) as never
    return c.json(
      {
        model: result.model,
        prediction: prediction as unknown as Record<string, unknown>,
        features: extracted?.features ?? {},
        basis: extracted?.basis ?? [],
        requestId,
        ...(extracted?.sources ? { sources: extracted.sources } : {}),
        ...(written ? { writeBack: { id: written.id } } : {}),
      },
      200,
    )
  })
}

// `own`: a patient-context token scores its launch patient only (the id must name it; the pipeline checks the row too).
export const fhirPredictPolicy = {
  'POST /fhir/patient/:id/predict': {
    access: { anyOf: PREDICT_ACCESS },
    rate: 'predict' as const,
    audit: 'handler' as const,
    patientParam: 'id',
    patientContext: 'own' as const,
  },
}
