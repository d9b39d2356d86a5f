/** The shapes of the monitoring API's answers that the dashboard reads (docs/monitoring.md). */
export interface Interval {
  estimate: number | null
  lower: number | null
  upper: number | null
}

export interface PerformanceReport {
  model: string
  version: string | null
  horizonDays: number
  n: number
  pending: number
  positives: number
  prevalence: number | null
  threshold: number
  auroc: Interval | null
  auprc: Interval | null
  brier: Interval | null
  logLoss: number | null
  ece: number | null
  calibration: { probTrue: number[]; probPred: number[]; binCounts: number[]; slope: number | null; intercept: number | null } | null
  roc: { fpr: (number | null)[]; tpr: (number | null)[]; thresholds: (number | null)[] } | null
  atThreshold: Record<string, number | null> | null
}

export interface GroupRow {
  key: string
  group: Record<string, unknown>
  small: boolean
  n: number
  positives: number
  selectionRate: number | null
  tpr: number | null
  fpr: number | null
  ppv: number | null
  ece: number | null
  calibrationInTheLarge: number | null
}

export interface FairnessReport {
  n: number
  pending: number
  threshold: number
  minGroupSize: number
  attributes: string[]
  disparities: Record<string, number | null | string[]>
  overall: Omit<GroupRow, 'key' | 'group' | 'small'>
  byGroup: GroupRow[]
}

export interface ColumnDrift {
  test: 'ks' | 'wasserstein' | 'chi-square' | 'jensen-shannon'
  statistic: number
  pValue?: number
  psi: number
  wasserstein?: number
  jensenShannon: number
  drifted: boolean
}

export interface DriftResponse {
  model: string
  version: string
  reference: string
  n: number
  featuresLogged: boolean
  columns: Record<string, ColumnDrift>
  drift: { drifted: boolean; share: number; count: number }
  skipped: string[]
}

export interface AlertRule {
  id: string
  quantity: string
  op: 'above' | 'below'
  threshold: number
  model?: string
  feature?: string
  attribute?: string
  measure?: string
}
export interface AlertState {
  rule: string
  model: string
  version: string
  firing: boolean
  value: number
  since: string
  feature?: string
  attribute?: string
  measure?: string
}
export interface Alerts {
  rules: AlertRule[]
  states: AlertState[]
}

export interface AdverseEvent {
  id: string
  type: string
  severity: string
  description: string
  status: string
  occurredAt: string
  createdAt: string
  predictionId: string | null
  model: string | null
  version: string | null
  reporter: string
}

export interface ModelInput {
  name: string
  type: 'number' | 'category' | 'boolean' | string
  categories?: string[]
  description?: string
}
export interface ModelSummary {
  name: string
  versions: { version: string; stage: string }[]
  aliases: Record<string, string>
}

/** The reporting window the dashboard looks at: `from` (inclusive) to `to` (exclusive), ISO-8601. */
export interface Window {
  from: string
  to: string
  days: number
}

/** `GET /monitoring/estimated-performance` (CBPE): estimates from the scores, realised values where outcomes are in. */
export type EstimatedMetrics = Record<
  'auroc' | 'sensitivity' | 'specificity' | 'ppv' | 'npv' | 'f1' | 'accuracy' | 'prevalence' | 'brier' | 'ece',
  number | null
>
export interface EstimatedPart {
  n: number
  pending: number
  estimated: EstimatedMetrics | null
  realised: (EstimatedMetrics & { labelled: number }) | null
}
export interface EstimatedReport {
  model: string
  version: string
  threshold: number
  reference: { from: string | null; to: string; n: number; positives: number; calibrated: boolean }
  overall: EstimatedPart
  chunks: (EstimatedPart & { from: string; to: string; horizonPassed: boolean })[]
}
