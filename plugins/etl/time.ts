import type { FhirResource } from '../../core/index.ts'

/** Parse a FHIR date or dateTime to ms; a date-only value means its start (UTC). NaN when invalid. */
export function fhirTime(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?/.test(value)) return Number.NaN
  const padded = value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value
  return Date.parse(padded.length === 10 ? `${padded}T00:00:00Z` : padded)
}

/** The clinically meaningful time of a resource when the spec names none. */
export function defaultTime(resource: FhirResource): unknown {
  const r = resource as Record<string, any>
  switch (resource.resourceType) {
    case 'Observation':
      return r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.effectiveInstant ?? r.issued
    case 'Condition':
      return r.onsetDateTime ?? r.onsetPeriod?.start ?? r.recordedDate
    case 'Encounter':
      return r.period?.start
    case 'MedicationRequest':
      return r.authoredOn
    case 'Procedure':
      return r.performedDateTime ?? r.performedPeriod?.start
    default:
      return r.effectiveDateTime ?? r.date ?? r.recordedDate ?? r.issued
  }
}
