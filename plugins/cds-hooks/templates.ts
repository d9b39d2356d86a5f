import type { Feature, FeatureSpec } from '../etl/index.ts'

/** The key of the Patient read, which every service prefetches: age, sex, and the record's anchor. */
export const PATIENT_KEY = 'patient'
/** Prefetch key per resource type the ETL reads. */
const KEYS: Record<string, string> = {
  Patient: PATIENT_KEY,
  Condition: 'conditions',
  Observation: 'observations',
  Encounter: 'encounters',
  MedicationRequest: 'medicationRequests',
}
/** The date search parameter matching the ETL's default event time, per type (Conditions get none: onset and recorded date differ). */
const DATE_PARAM: Record<string, string> = { Observation: 'date', Encounter: 'date', MedicationRequest: 'authoredon' }
/** Types whose `code` search parameter covers the element the ETL matches codes in. */
const CODE_SEARCH = new Set(['Observation', 'Condition', 'MedicationRequest'])

const PATIENT = '{{context.patientId}}'

function typeOf(feature: Feature): string {
  if (feature.kind === 'age' || feature.kind === 'sex') return 'Patient'
  // Charlson and Elixhauser read every Condition.
  return feature.kind === 'resource' ? feature.resourceType : 'Condition'
}

/** A `code=` filter when every feature of the type selects by exact codes (a prefix such as `I50*` is not a token search). */
function codeFilter(type: string, features: Feature[]): string | undefined {
  if (!CODE_SEARCH.has(type)) return undefined
  const codes = new Set<string>()
  for (const f of features) {
    if (f.kind !== 'resource' || !f.codes || f.codes.some((c) => c.endsWith('*'))) return undefined
    f.codes.forEach((c) => codes.add(c))
  }
  // `system|code` stays readable, as in the spec's examples; only what would break the query is escaped.
  return [...codes].map((c) => c.replace(/[&,#+% ]/g, encodeURIComponent)).join(',')
}

/** The longest look-back of the type's features, when every one has a window on its default time. */
function window(type: string, features: Feature[]): number | undefined {
  if (!DATE_PARAM[type]) return undefined
  let longest = 0
  for (const f of features) {
    if (f.kind !== 'resource' || f.windowDays === undefined || f.time !== undefined) return undefined
    longest = Math.max(longest, Math.ceil(f.windowDays))
  }
  return longest
}

/**
 * The prefetch templates a model's FHIR feature spec needs: the Patient, and one search per
 * resource type its features read, narrowed by code where every feature of that type selects
 * by exact codes. With `windowTokens`, searches also carry the longest look-back window as a
 * CDS Hooks 3.0 `{{today() - N days}}` token. Only the patient id from the context is used
 * (the "minimum necessary": the model needs nothing about the user).
 * @example
 * prefetchTemplates(spec) // { patient: 'Patient/{{context.patientId}}', observations: 'Observation?patient={{context.patientId}}&code=…', … }
 */
export function prefetchTemplates(spec: FeatureSpec, options: { windowTokens?: boolean } = {}): Record<string, string> {
  const byType = new Map<string, Feature[]>([['Patient', []]])
  for (const f of spec.features) byType.set(typeOf(f), [...(byType.get(typeOf(f)) ?? []), f])
  if (spec.sequence) for (const type of spec.sequence.include) if (!byType.has(type)) byType.set(type, [])
  const templates: Record<string, string> = {}
  for (const [type, features] of byType) {
    const key = KEYS[type] ?? `${type[0]!.toLowerCase()}${type.slice(1)}s`
    if (type === 'Patient') {
      templates[key] = `Patient/${PATIENT}`
      continue
    }
    const params = [`patient=${PATIENT}`]
    // A sequence model reads every resource of its types: no narrowing then.
    const narrow = !spec.sequence?.include.includes(type as never)
    const codes = narrow ? codeFilter(type, features) : undefined
    if (codes) params.push(`code=${codes}`)
    const days = narrow && options.windowTokens ? window(type, features) : undefined
    if (days !== undefined) params.push(`${DATE_PARAM[type]}=ge{{today() - ${days} days}}`)
    templates[key] = `${type}?${params.join('&')}`
  }
  return templates
}
