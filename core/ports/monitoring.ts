import type { FeatureValue, Prediction, PortHealth, Row } from './values.ts'

/**
 * One scored row as the monitoring log keeps it: pseudonymous (an HMAC of the patient reference,
 * never the reference itself), with the features only when the deployment opts in.
 */
export interface LoggedPrediction {
  /** `<requestId>#<row index>`: a client can post an outcome for it from the /predict response. */
  id: string
  /** ISO-8601 time the prediction was committed. */
  ts: string
  model: string
  version: string
  /** Hex HMAC-SHA-256 of the patient reference under the monitoring key; null for anonymous rows. */
  subjectKey: string | null
  /** SHA-256 of the row's canonical features. */
  featuresHash: string
  score: number
  label: string | null
  features: Record<string, FeatureValue> | null
  /**
   * A shadow prediction: the champion version that answered the request (this row was never
   * returned). Its id is the champion row's id plus `~<version>`. Absent or null: served.
   */
  shadowOf?: string | null
  /** A shadow prediction: the champion's score for the same row. */
  championScore?: number | null
}

/** An observed outcome for a subject (by key) or for one logged prediction. */
export interface OutcomeRecord {
  model: string
  subjectKey: string | null
  predictionId: string | null
  /** 0/1 for classifiers. */
  value: number
  /** When the outcome happened (ISO-8601). */
  observedAt: string
  /** `api` (posted) or the name of the FHIR rule that found it. */
  source: string
}

export interface PredictionWindow {
  model: string
  version?: string
  /** Inclusive ISO-8601 lower bound on the prediction time. */
  from?: string
  /** Exclusive upper bound. */
  to?: string
  /** Newest rows first are dropped past this many (oldest kept). Default: all. */
  limit?: number
  /** true: only shadow predictions; default: only served ones (reports never mix them). */
  shadow?: boolean
}

/** A logged prediction with its joined outcome (null while none is known). */
export interface JoinedPrediction extends LoggedPrediction {
  outcome: number | null
}

/**
 * The pseudonymous prediction log and the outcomes joined to it. Written off the hot path
 * (see plugins/monitoring/recorder.ts); the audit trail stays the record of who accessed what.
 *
 * Join rule: an outcome that names a prediction id labels that prediction. Otherwise it labels
 * every prediction of the same model and subject made within `horizonMs` before `observedAt`
 * (the look-ahead the model predicts over, e.g. 30 days for 30-day readmission). The latest
 * matching outcome wins.
 */
export interface PredictionLog {
  append(records: LoggedPrediction[]): Promise<void>
  addOutcomes(outcomes: OutcomeRecord[]): Promise<void>
  /** Predictions in the window, oldest first, each with its outcome under `horizonMs`. */
  window(query: PredictionWindow, horizonMs: number): Promise<JoinedPrediction[]>
  /** Which of these subject keys have predictions for the model (for FHIR outcome rules). */
  knownSubjects(model: string, keys: string[]): Promise<Set<string>>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}

export const ADVERSE_SEVERITIES = ['mild', 'moderate', 'severe', 'life-threatening', 'death'] as const
export type AdverseSeverity = (typeof ADVERSE_SEVERITIES)[number]
export const ADVERSE_STATUSES = ['reported', 'under-review', 'confirmed', 'dismissed', 'closed'] as const
export type AdverseStatus = (typeof ADVERSE_STATUSES)[number]

export interface AdverseEventInput {
  type: string
  severity: AdverseSeverity
  description: string
  /** When it happened (ISO-8601); defaults to the report time. */
  occurredAt?: string
  predictionId?: string | null
  model?: string | null
  version?: string | null
  /** `Patient/<id>`: the clinical record needs the subject; never logged. */
  patientRef?: string | null
}

export interface AdverseEvent extends Required<Omit<AdverseEventInput, 'occurredAt'>> {
  id: string
  occurredAt: string
  status: AdverseStatus
  reporter: string
  createdAt: string
  updatedAt: string
}

export interface AdverseEventFilter {
  model?: string
  severity?: AdverseSeverity
  status?: AdverseStatus
  patientRef?: string
  from?: string
  to?: string
}

export type AdverseEventPatch = Partial<Pick<AdverseEvent, 'status' | 'severity' | 'description' | 'type'>>

export interface AdverseEventStore {
  create(event: AdverseEvent): Promise<void>
  get(id: string): Promise<AdverseEvent | undefined>
  /** Newest first. */
  list(filter: AdverseEventFilter, page: { limit: number; offset: number }): Promise<AdverseEvent[]>
  /** The updated event, or undefined when there is none with this id. */
  update(id: string, patch: AdverseEventPatch, updatedAt: string): Promise<AdverseEvent | undefined>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}

/** What the pipeline tells observers after a prediction's audit events are committed. */
export interface PredictedEvent {
  ts: string
  requestId: string
  model: string
  version: string
  rows: Row[]
  predictions: Prediction[]
}

/** A shadow version's scores for a committed request: never returned, only logged beside what was served. */
export interface ShadowEvent extends PredictedEvent {
  /** Per row: the version that answered, and its score. */
  served: { version: string; score: number }[]
}

/**
 * Watches committed predictions (the monitoring recorder, a feature store writer…). `observe`
 * must return at once and never throw: it runs after the response is ready, off the hot path.
 */
export interface PredictionObserver {
  name: string
  observe(event: PredictedEvent): void
  /** Told about shadow scores (only observers that log them for comparison implement it). */
  observeShadow?(event: ShadowEvent): void
  /** Write out whatever is buffered (called on close). */
  flush?(): Promise<void>
}
