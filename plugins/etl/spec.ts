import { z } from 'zod'
import { NexoraError, type FeatureDef } from '../../core/index.ts'

export const AGGREGATES = ['latest', 'first', 'mean', 'min', 'max', 'count', 'sum', 'slope', 'exists', 'time-since'] as const
export type Aggregate = (typeof AGGREGATES)[number]

const ResourceFeature = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  kind: z.literal('resource').default('resource'),
  description: z.string().optional(),
  /** Which resources: the type, and a FHIRPath boolean filter such as a LOINC or SNOMED code test. */
  resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/),
  /**
   * Codes that select the resources (`system|code`, or `system|prefix*` such as an ICD-10
   * category): matched through an index of the record's codings, so it is far cheaper than a
   * FHIRPath code test. Looks in `code`, `medicationCodeableConcept` and `class`.
   */
  codes: z
    .array(z.string().regex(/^[^|]+\|[^|]+$/, 'system|code'))
    .min(1)
    .optional(),
  filter: z.string().optional(),
  /** FHIRPath to the number (default `valueQuantity.value`; ignored by count, exists and time-since). */
  value: z.string().optional(),
  /** FHIRPath to the event time (default per type: effective[x], onset/recorded, period.start, authoredOn). */
  time: z.string().optional(),
  aggregate: z.enum(AGGREGATES),
  /** Look back this many days from the index time (default: all history before it). */
  windowDays: z.number().positive().optional(),
  /** The unit values must be in (UCUM code), and factors that convert other units into it. */
  unit: z.object({ path: z.string().optional(), expect: z.string(), convert: z.record(z.string(), z.number()).optional() }).optional(),
  /** The value when nothing qualifies (count and exists give 0 by default; others null). */
  default: z.number().nullable().optional(),
})

const AgeFeature = z.object({ name: z.string(), kind: z.literal('age'), description: z.string().optional() })
const SexFeature = z.object({ name: z.string(), kind: z.literal('sex'), description: z.string().optional() })
const ComorbidityFeature = z.object({
  name: z.string(),
  kind: z.enum(['charlson', 'elixhauser']),
  description: z.string().optional(),
  windowDays: z.number().positive().optional(),
})

export const FeatureSchema = z.union([AgeFeature, SexFeature, ComorbidityFeature, ResourceFeature])

export const SequenceSchema = z.object({
  maxLength: z.number().int().positive().default(256),
  windowDays: z.number().positive().optional(),
  include: z
    .array(z.enum(['Condition', 'Observation', 'MedicationRequest', 'Encounter']))
    .default(['Condition', 'Observation', 'MedicationRequest', 'Encounter']),
})

export const FeatureSpecSchema = z.object({
  name: z.string(),
  version: z.number().int().default(1),
  description: z.string().optional(),
  features: z.array(FeatureSchema).min(1),
  sequence: SequenceSchema.optional(),
})

export type FeatureSpec = z.infer<typeof FeatureSpecSchema>
export type Feature = z.infer<typeof FeatureSchema>
export type ResourceFeatureSpec = z.infer<typeof ResourceFeature>

/** Validate a spec (JSON) and fill its defaults; errors name the spec path. */
export function parseFeatureSpec(json: unknown): FeatureSpec {
  const parsed = FeatureSpecSchema.safeParse(json)
  if (!parsed.success) {
    throw new NexoraError('request.invalid', {
      detail: 'invalid feature spec',
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  const names = parsed.data.features.map((f) => f.name)
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup) throw new NexoraError('request.invalid', { detail: `feature "${dup}" is defined twice` })
  return parsed.data
}

/** The model inputs a spec produces: what a manifest declares for a model trained on it. */
export function inputsFromSpec(spec: FeatureSpec): FeatureDef[] {
  return spec.features.map((f): FeatureDef => {
    if (f.kind === 'sex')
      return { name: f.name, type: 'category', categories: ['female', 'male', 'other', 'unknown'], required: false, description: f.description }
    const countLike = f.kind === 'charlson' || f.kind === 'elixhauser' || (f.kind === 'resource' && ['count', 'exists'].includes(f.aggregate))
    return { name: f.name, type: 'number', required: countLike || (f.kind === 'resource' && f.default != null), description: f.description }
  })
}
