import { z } from 'zod'
import { NexoraError } from '../../core/index.ts'
import type { FhirResource } from '../../core/index.ts'

// Only the elements Nexora reads are checked; everything else passes through untouched.
const dateTime = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/, 'not a FHIR date or dateTime')
const coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).passthrough()
const concept = z.object({ coding: z.array(coding).optional(), text: z.string().optional() }).passthrough()
const quantity = z
  .object({ value: z.number().optional(), unit: z.string().optional(), system: z.string().optional(), code: z.string().optional() })
  .passthrough()
const reference = z.object({ reference: z.string().optional() }).passthrough()
const period = z.object({ start: dateTime.optional(), end: dateTime.optional() }).passthrough()

const SCHEMAS: Record<string, z.ZodType> = {
  Patient: z
    .object({
      resourceType: z.literal('Patient'),
      id: z.string().optional(),
      birthDate: dateTime.optional(),
      gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
      deceasedBoolean: z.boolean().optional(),
      deceasedDateTime: dateTime.optional(),
    })
    .passthrough(),
  Observation: z
    .object({
      resourceType: z.literal('Observation'),
      status: z.string(),
      code: concept,
      subject: reference.optional(),
      effectiveDateTime: dateTime.optional(),
      effectivePeriod: period.optional(),
      issued: z.string().optional(),
      valueQuantity: quantity.optional(),
      component: z.array(z.object({ code: concept, valueQuantity: quantity.optional() }).passthrough()).optional(),
    })
    .passthrough(),
  Condition: z
    .object({
      resourceType: z.literal('Condition'),
      code: concept.optional(),
      subject: reference,
      onsetDateTime: dateTime.optional(),
      recordedDate: dateTime.optional(),
    })
    .passthrough(),
  Encounter: z
    .object({ resourceType: z.literal('Encounter'), status: z.string(), class: coding.optional(), subject: reference.optional(), period: period.optional() })
    .passthrough(),
  MedicationRequest: z
    .object({
      resourceType: z.literal('MedicationRequest'),
      status: z.string(),
      intent: z.string(),
      subject: reference,
      medicationCodeableConcept: concept.optional(),
      authoredOn: dateTime.optional(),
    })
    .passthrough(),
  Bundle: z
    .object({
      resourceType: z.literal('Bundle'),
      type: z.string(),
      link: z.array(z.object({ relation: z.string(), url: z.string() }).passthrough()).optional(),
      entry: z
        .array(z.object({ fullUrl: z.string().optional(), resource: z.object({ resourceType: z.string() }).passthrough().optional() }).passthrough())
        .optional(),
    })
    .passthrough(),
}

const base = z.object({ resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/, 'not a resource type') }).passthrough()

/**
 * Check a resource's shape where Nexora relies on it. A failure is `fhir.invalid_resource` whose
 * issues name the element path (`Observation.valueQuantity.value`), never its value.
 * @example
 * const obs = parseResource<Observation>(json)
 */
export function parseResource<T extends FhirResource = FhirResource>(json: unknown): T {
  const head = base.safeParse(json)
  if (!head.success) throw new NexoraError('fhir.invalid_resource', { issues: [{ path: 'resourceType', message: 'missing or not a resource type' }] })
  const schema = SCHEMAS[head.data.resourceType]
  if (!schema) return head.data as T
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data as T
  const issues = parsed.error.issues.slice(0, 20).map((i) => ({ path: [head.data.resourceType, ...i.path].join('.'), message: i.message }))
  throw new NexoraError('fhir.invalid_resource', { detail: issues.map((i) => i.path).join(', '), issues })
}
