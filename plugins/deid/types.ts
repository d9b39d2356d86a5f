import type { PhiOptions, PhiSpan, PhiType } from '../phi/index.ts'

/** What to do with one identifier. A bare name is shorthand for `{ op: name }` with defaults. */
export type Operator =
  | { op: 'redact' }
  | { op: 'replace'; tag?: string }
  | { op: 'mask'; char?: string; keepLast?: number }
  | { op: 'pseudonymize' }
  | { op: 'dateShift' }
  | { op: 'generalize' }

export type OperatorName = Operator['op']
export type OperatorSpec = Operator | OperatorName

/** A detector: the real one is `detectPhi` from plugins/phi; tests pass hand-made spans. */
export type Detect = (text: string) => PhiSpan[]

/** The secret surrogates and date shifts derive from. Strings are UTF-8 encoded; at least 16 bytes. */
export type DeidKey = string | Uint8Array | CryptoKey

/**
 * A synchronous HMAC-SHA-256, from the runtime (the Node adapter passes `node:crypto`'s). The
 * digest is the same as WebCrypto's; it only skips a thread-pool round trip per value, which
 * otherwise dominates de-identification of identifier-dense text.
 */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array

export interface DeidOptions {
  key: DeidKey
  /** Default: WebCrypto (`crypto.subtle.sign`), batched per call. */
  hmac?: HmacSha256
  /** Per-type operators; unset types use the Safe Harbor defaults (see `DEFAULT_OPERATORS`). */
  operators?: Partial<Record<PhiType, OperatorSpec>>
  /** Span finder for free text. Default: `detectPhi` from plugins/phi with `phi` options. */
  detect?: Detect
  phi?: PhiOptions
  /** Largest date shift in days, either way. Default 365. */
  maxShiftDays?: number
  /** Structured FHIR dates: shifted per patient (default) or cut to their year. */
  dates?: 'shift' | 'year'
  /** Reference time for the age-over-89 rule on birth dates. Default: now. */
  now?: Date
}

export interface DeidTextOptions extends DeidOptions {
  /** Whose text it is: the date shift is per patient (the raw FHIR Patient id). */
  patientId?: string
}

/** A replaced span, with offsets into the de-identified text (UTF-16 units, `end` exclusive). */
export interface DeidSpan {
  start: number
  end: number
  type: PhiType
  operator: OperatorName
}

export type DeidCounts = Partial<Record<PhiType, number>>

export interface DeidTextResult {
  text: string
  spans: DeidSpan[]
  /** How many identifiers of each type were transformed: what the audit stores, never the text. */
  counts: DeidCounts
}
