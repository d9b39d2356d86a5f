import { z } from '@hono/zod-openapi'

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:nexora:problem:model.not_found' }),
    title: z.string(),
    status: z.number().int(),
    // A string, not an enum: plugins register their own codes after this schema is built (docs/api.md lists them all).
    code: z.string().openapi({ example: 'model.not_found', description: 'A stable error code; docs/api.md lists every one' }),
    detail: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem')

/** A problem+json response entry for `createRoute({ responses })`. */
export const problem = (description: string) => ({
  content: { 'application/problem+json': { schema: ProblemSchema } },
  description,
})

export const FeatureValueSchema = z.union([z.number(), z.string().max(1024), z.boolean(), z.null()])

export const ClinicalEventSchema = z
  .object({
    code: z.string().min(1).max(128).openapi({ example: 'ICD10:I50' }),
    time: z.string().datetime({ offset: true }),
    value: z.number().optional(),
  })
  .openapi('ClinicalEvent')

export const PredictRowSchema = z
  .object({
    patientId: z.string().min(1).max(256).optional().openapi({ description: 'A patient reference; audited, never logged', example: 'Patient/demo-1' }),
    features: z.union([z.record(z.string().max(128), FeatureValueSchema), z.literal('store')]).openapi({
      description: 'The features, or `"store"`: the latest the feature store holds for `patientId` (written by population jobs), refused when stale',
    }),
    sequence: z
      .array(ClinicalEventSchema)
      .max(4096)
      .optional()
      .openapi({ description: 'Timed clinical events, for sequence models (e.g. mortality-transformer)' }),
  })
  .openapi('PredictRow')

export const PredictRequestSchema = z
  .object({
    model: z.string().min(1).max(128).openapi({ example: 'readmission-risk' }),
    version: z.string().max(64).optional().openapi({ description: 'An exact semver version' }),
    alias: z.enum(['production', 'staging', 'latest']).optional(),
    rows: z.array(PredictRowSchema).openapi({ description: 'One to 1000 rows (the limit is configurable)' }),
    explain: z.boolean().optional(),
    purpose: z.string().max(64).optional().openapi({ description: 'Purpose of use, recorded in the audit trail', example: 'TREAT' }),
  })
  .refine((r) => !(r.version && r.alias), { message: 'give version or alias, not both', path: ['alias'] })
  .openapi('PredictRequest')

export const ContributionSchema = z
  .object({
    feature: z.string(),
    value: FeatureValueSchema.optional(),
    contribution: z.number(),
  })
  .openapi('Contribution')

export const PredictionSchema = z
  .object({
    score: z.number().openapi({ description: 'A probability in [0, 1] for classifiers' }),
    label: z.string().optional(),
    explanation: z.array(ContributionSchema).optional(),
    version: z.string().optional().openapi({ description: 'The version that scored this row, only when a canary split the request across versions' }),
  })
  .openapi('Prediction')

export const PredictResponseSchema = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    predictions: z.array(PredictionSchema),
    requestId: z.string(),
  })
  .openapi('PredictResponse')
