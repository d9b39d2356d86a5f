import { z } from '@hono/zod-openapi'

/**
 * The value shapes an ONC HTI-1 source attribute takes (see source-attributes.ts for which
 * attribute takes which). Every one is non-empty when present: a blank string or an empty
 * object says nothing to the clinician the rule means to inform, so it counts as missing.
 */

const blank = (s: string) => s.trim().length === 0

/** Plain-language text, the form the rule asks for ("plain language descriptions", § 170.315(b)(11)(v)(A)(1)). */
export const AttributeText = z
  .string()
  .max(20_000)
  .refine((s) => !blank(s), 'must not be blank')

/**
 * "Not available", with why. § 170.315(b)(11)(v)(A)(2) lets a developer say so for the
 * attributes that need evidence it may not have (external validation, external and local
 * measures, outcome studies, monitoring); the schema offers it on those only.
 */
export const NotAvailable = z
  .strictObject({ status: z.literal('not-available'), reason: AttributeText })
  .openapi('SourceAttributeNotAvailable', { description: 'The attribute is not available (45 CFR 170.315(b)(11)(v)(A)(2)); `reason` says why' })

/** (1)(i): a name and a way to reach the developer. */
export const Developer = z.strictObject({ name: AttributeText, contact: AttributeText })

/** (1)(iv): the rule's own list of output types. */
export const OUTPUT_TYPES = ['prediction', 'classification', 'recommendation', 'evaluation', 'analysis', 'other'] as const
export const OutputType = z.strictObject({ type: z.enum(OUTPUT_TYPES), description: AttributeText })

/** (2)(iv): the rule's examples of a decision-making role ("informs, augments, replaces clinical management"). */
export const DECISION_ROLES = ['informs', 'augments', 'replaces', 'other'] as const
export const DecisionRole = z.strictObject({ role: z.enum(DECISION_ROLES), description: AttributeText })

/**
 * The demographic variables of § 170.315(b)(11)(iv)(A)(5)–(13), which (B)(4)(ii) and (iii) ask
 * about by name: race, ethnicity, language, sexual orientation, gender identity, sex, date of
 * birth, social determinants of health and health status assessments.
 */
export const DEMOGRAPHIC_VARIABLES = {
  race: 'Race',
  ethnicity: 'Ethnicity',
  language: 'Language',
  sexualOrientation: 'Sexual orientation',
  genderIdentity: 'Gender identity',
  sex: 'Sex',
  dateOfBirth: 'Date of birth',
  socialDeterminantsOfHealth: 'Social determinants of health',
  healthStatusAssessments: 'Health status assessments',
} as const

const Use = z
  .strictObject({ used: z.boolean(), description: AttributeText.optional() })
  .refine((u) => !u.used || u.description !== undefined, { message: 'say how a variable used as an input feature is used', path: ['description'] })

/** (4)(ii): for each variable, whether it is an input feature and, if so, how. All nine are answered. */
export const DemographicUse = z.strictObject({
  race: Use,
  ethnicity: Use,
  language: Use,
  sexualOrientation: Use,
  genderIdentity: Use,
  sex: Use,
  dateOfBirth: Use,
  socialDeterminantsOfHealth: Use,
  healthStatusAssessments: Use,
})

const Measures = z.record(z.string().min(1).max(128), z.number())

/**
 * (7) and (8): a measure of validity or fairness is a plain-language summary, with the numbers
 * behind it where there are some (overall `measures`; per-group ones for fairness).
 */
export const Measured = z.strictObject({
  summary: AttributeText,
  measures: Measures.optional(),
  subgroups: z
    .array(z.strictObject({ group: AttributeText, n: z.number().int().nonnegative().optional(), measures: Measures }))
    .min(1)
    .optional(),
})

export type SourceAttributeText = z.infer<typeof AttributeText>
export type SourceAttributeNotAvailable = z.infer<typeof NotAvailable>
export type SourceAttributeMeasured = z.infer<typeof Measured>
