/** Why a resource or value was not used. Each rule is documented in docs/feature-specs.md. */
export type SkipReason =
  | 'invalid_resource'
  | 'no_patient'
  | 'missing_value'
  | 'unit_mismatch'
  | 'bad_date'
  | 'future_date'
  | 'after_death'
  | 'after_index'
  | 'outside_window'
  | 'missing_birth_date'

/** What an extraction did: counts only, never values, so it can be logged and shipped. */
export interface EtlReport {
  patients: number
  resources: number
  skipped: Partial<Record<SkipReason, number>>
  /** Per feature: in how many patients it had a value, and in how many it was missing. */
  features: Record<string, { present: number; missing: number }>
  conversions: number
}

export const emptyReport = (): EtlReport => ({ patients: 0, resources: 0, skipped: {}, features: {}, conversions: 0 })

export function skip(report: EtlReport, reason: SkipReason, n = 1): void {
  report.skipped[reason] = (report.skipped[reason] ?? 0) + n
}

export function mergeReports(into: EtlReport, from: EtlReport): EtlReport {
  into.patients += from.patients
  into.resources += from.resources
  into.conversions += from.conversions
  for (const [k, v] of Object.entries(from.skipped)) skip(into, k as SkipReason, v)
  for (const [name, f] of Object.entries(from.features)) {
    const t = (into.features[name] ??= { present: 0, missing: 0 })
    t.present += f.present
    t.missing += f.missing
  }
  return into
}
