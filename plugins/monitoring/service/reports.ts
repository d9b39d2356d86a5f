import type { JoinedPrediction } from '../../../core/index.ts'
import { logLoss } from '../../../core/index.ts'
import { driftReport, type Cell, type DriftReport } from '../drift/index.ts'
import { disparities, metricFrame } from '../fairness/index.ts'
import {
  bootstrapRankMetrics,
  calibrationCurve,
  calibrationSlopeIntercept,
  expectedCalibrationError,
  rocCurve,
  thresholdMetrics,
  type BootstrapResult,
} from '../metrics/index.ts'

/** NaN and ±Infinity become null: JSON has no word for "undefined here", and 0 would lie. */
const num = (x: number) => (Number.isFinite(x) ? x : null)

export interface Interval {
  estimate: number | null
  lower: number | null
  upper: number | null
}

export interface ReportOptions {
  threshold?: number
  bins?: number
  /** Bootstrap resamples for the CIs (0: none). Default 500. */
  bootstrap?: number
  seed?: number
  level?: number
}

const interval = (r: BootstrapResult, withCi: boolean): Interval => ({
  estimate: num(r.estimate),
  lower: withCi ? num(r.lower) : null,
  upper: withCi ? num(r.upper) : null,
})

/** Most ROC points a report carries: longer curves keep evenly spaced points (always the first and last). */
export const ROC_MAX_POINTS = 500

/** The ROC curve (sklearn's `roc_curve`, intermediate points dropped) for plotting, thinned to `ROC_MAX_POINTS`. */
export function rocPoints(y: number[], s: number[], max = ROC_MAX_POINTS) {
  const c = rocCurve(y, s)
  const n = c.fpr.length
  const keep = n <= max ? c.fpr.map((_, i) => i) : Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)))
  return { fpr: keep.map((i) => num(c.fpr[i]!)), tpr: keep.map((i) => num(c.tpr[i]!)), thresholds: keep.map((i) => num(c.thresholds[i]!)) }
}

const labelled = (rows: JoinedPrediction[]) => rows.filter((r): r is JoinedPrediction & { outcome: number } => r.outcome === 0 || r.outcome === 1)

/**
 * Clinical performance of logged predictions with known outcomes: discrimination and error with
 * seeded percentile-bootstrap CIs, calibration, and the threshold metrics. Predictions still
 * waiting for an outcome are counted in `pending`, not scored.
 */
export function performanceReport(rows: JoinedPrediction[], o: ReportOptions = {}) {
  const done = labelled(rows)
  const y = done.map((r) => r.outcome)
  const s = done.map((r) => r.score)
  const positives = y.filter((v) => v === 1).length
  const threshold = o.threshold ?? 0.5
  const bins = o.bins ?? 10
  const base = { n: done.length, pending: rows.length - done.length, positives, prevalence: num(positives / done.length), threshold }
  if (done.length === 0) return { ...base, auroc: null, auprc: null, brier: null, logLoss: null, ece: null, calibration: null, roc: null, atThreshold: null }
  const t = thresholdMetrics(y, s, threshold)
  const curve = calibrationCurve(y, s, { bins, strategy: 'uniform' })
  const resamples = o.bootstrap ?? 500
  const ci = bootstrapRankMetrics(y, s, { n: resamples, seed: o.seed ?? 0, level: o.level ?? 0.95 })
  const slope = positives > 0 && positives < done.length ? calibrationSlopeIntercept(y, s) : { slope: Number.NaN, intercept: Number.NaN }
  return {
    ...base,
    auroc: interval(ci.auroc, resamples > 0),
    auprc: interval(ci.auprc, resamples > 0),
    brier: interval(ci.brier, resamples > 0),
    logLoss: num(logLoss(y, s)),
    ece: num(expectedCalibrationError(y, s, { bins, strategy: 'uniform' })),
    calibration: { probTrue: curve.probTrue, probPred: curve.probPred, binCounts: curve.binCounts, slope: num(slope.slope), intercept: num(slope.intercept) },
    // One class only: the curve is undefined (sklearn's NaN), so null rather than a misleading line.
    roc: positives > 0 && positives < done.length ? rocPoints(y, s) : null,
    atThreshold: {
      tp: t.tp,
      fp: t.fp,
      tn: t.tn,
      fn: t.fn,
      sensitivity: num(t.sensitivity),
      specificity: num(t.specificity),
      ppv: num(t.ppv),
      npv: num(t.npv),
      f1: num(t.f1),
      accuracy: num(t.accuracy),
      lrPositive: num(t.lrPositive),
      lrNegative: num(t.lrNegative),
    },
  }
}

/** Per-group metrics and disparities over one or more logged feature attributes (intersections). */
export function fairnessReport(rows: JoinedPrediction[], attributes: string[], o: { threshold?: number; minGroupSize?: number } = {}) {
  const done = labelled(rows)
  const frame = metricFrame({
    labels: done.map((r) => r.outcome),
    scores: done.map((r) => r.score),
    threshold: o.threshold ?? 0.5,
    minGroupSize: o.minGroupSize ?? 30,
    sensitive: Object.fromEntries(attributes.map((a) => [a, done.map((r) => r.features?.[a] ?? null)])),
  })
  const gaps = disparities(frame)
  const clean = <T extends object>(x: T) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === 'number' ? num(v) : v]))
  return {
    n: done.length,
    pending: rows.length - done.length,
    threshold: frame.threshold,
    minGroupSize: frame.minGroupSize,
    attributes,
    disparities: clean(gaps),
    overall: clean(frame.overall),
    byGroup: frame.byGroup.map((g) => ({ ...clean(g), extra: undefined })),
  }
}

/** Columns of the logged features (and the score) for the drift tests. */
export function logColumns(rows: JoinedPrediction[], features: string[]): Record<string, Cell[]> {
  const cols: Record<string, Cell[]> = { score: rows.map((r) => r.score) }
  for (const f of features) cols[f] = rows.map((r) => (r.features ? toCell(r.features[f]) : undefined))
  return cols
}

const toCell = (v: unknown): Cell => (typeof v === 'boolean' ? String(v) : (v as Cell))

/** Drift of live traffic against a reference (training profile or an earlier window), score included. */
export function driftFromColumns(reference: Record<string, readonly unknown[]>, current: Record<string, Cell[]>): DriftReport {
  const ref = Object.fromEntries(Object.entries(reference).map(([k, v]) => [k, v.map(toCell)]))
  return driftReport(ref, current)
}
