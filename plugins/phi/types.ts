/**
 * PHI types: the 18 HIPAA Safe Harbor identifier categories (45 CFR 164.514(b)(2)), split where a
 * de-identification rule differs (a ZIP keeps its first three digits, a city does not).
 */
export const PHI_TYPES = [
  'NAME',
  'ADDRESS',
  'CITY',
  'ZIP',
  'LOCATION',
  'DATE',
  'AGE',
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'HEALTH_PLAN_ID',
  'ACCOUNT',
  'LICENSE',
  'VEHICLE_ID',
  'DEVICE_ID',
  'URL',
  'IP',
  'BIOMETRIC_ID',
  'ID',
] as const

export type PhiType = (typeof PHI_TYPES)[number]

/**
 * A detected identifier in free text. Offsets are UTF-16 code units into the original string
 * (JavaScript string indices), `end` exclusive: `text.slice(start, end)` is the identifier.
 */
export interface PhiSpan {
  start: number
  end: number
  type: PhiType
  /** Confidence in [0, 1]. */
  score: number
  /** Which detector found it (e.g. `pattern:ssn`, `dictionary:name`, `context:mrn`). */
  detector: string
}

/** PHI found in a FHIR resource: the element path, its type, and for free text the spans within it. */
export interface ResourceFinding {
  /** e.g. `Patient.name[0].given[0]`, `Observation.note[0].text` */
  path: string
  type: PhiType
  spans?: PhiSpan[]
}

export interface PhiOptions {
  /** Terms never reported (e.g. a hospital's own department names). */
  allow?: string[]
  /** Terms always reported, with their type. */
  deny?: { term: string; type: PhiType }[]
  /**
   * `recall` (default): every word no list knows is a candidate, for de-identification and exports,
   * where a miss is a leak. `precision`: only identifiers with shape, list or context evidence, for
   * warnings (the phi-guard stage), where a false alarm costs a clinician's time.
   */
  mode?: PhiMode
  /** Minimum score to report. Default 0.5 in `recall` mode, 0.8 in `precision` mode. */
  threshold?: number
}

export type PhiMode = 'recall' | 'precision'
