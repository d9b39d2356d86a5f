/** Values that flow through every front door into the one prediction pipeline. */

export type FeatureValue = number | string | boolean | null

/** A timed clinical event, for sequence models (filled in by the ETL plugin). */
export interface ClinicalEvent {
  code: string
  /** ISO-8601 time of the event. */
  time: string
  value?: number
}

export interface Row {
  /** A patient reference (e.g. `Patient/123`). Audited; never logged. */
  patientRef?: string
  features: Record<string, FeatureValue>
  sequence?: ClinicalEvent[]
}

export interface Contribution {
  feature: string
  value?: FeatureValue
  contribution: number
}

export interface Prediction {
  /** A probability in [0, 1] for classifiers; the model's output otherwise. */
  score: number
  label?: string
  explanation?: Contribution[]
  /** The version that scored this row, set only when a canary split the request across versions. */
  version?: string
}

export type Via = 'http' | 'grpc' | 'cds-hooks' | 'oip' | 'in-process' | 'job'

/** Who is asking. Set by the front door after authentication; in-process callers pass it. */
export interface Caller {
  subject: string
  scopes: string[]
  roles: string[]
  tenant?: string
  /**
   * The launch patient (a FHIR Patient id) of a SMART patient-context token: such a caller may
   * only score that patient, whatever its scopes say.
   */
  patient?: string
  ip?: string
  via: Via
  /** The client's own request id (its `X-Request-Id`), recorded with the server's unique one. */
  correlationId?: string
}

export interface PredictionRequest {
  model: string
  version?: string
  alias?: string
  rows: Row[]
  explain?: boolean
  /** Why the data is used (HIPAA purpose of use); recorded in the audit context. */
  purpose?: string
  requestId?: string
}

export interface PredictionResult {
  model: { name: string; version: string }
  predictions: Prediction[]
  requestId: string
  /** The audit sequence numbers of the request and response events. */
  auditIds: number[]
}

/** Readiness of one port, as reported by `/health`. */
export interface PortHealth {
  ok: boolean
  detail?: string
}
