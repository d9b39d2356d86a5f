/**
 * NannyML's test of whether calibrating helps at all, for performance estimation (cbpe.ts). The
 * isotonic fit itself is the recalibration's (scikit-learn's `IsotonicRegression`, one implementation).
 */
import { auroc, isotonicRecalibrated } from '../../../core/index.ts'
import { isotonicKnots, type IsotonicKnots } from '../recalibration/isotonic.ts'

/** A fitted isotonic map (the recalibration's knots: scikit-learn's, clipped to the fitted range when applied). */
export type IsotonicMap = IsotonicKnots

/**
 * NannyML's expected calibration error for the calibration check: rows sorted by probability
 * (stably) into `bins` equal-count bins; the edges step by ⌊n / bins⌋ and the last one is n (so a
 * remainder joins the last bin, or forms one more when the step leaves room). Fewer than
 * 2·bins rows use ⌊n / 2⌋ bins.
 */
export function equalCountEce(labels: ArrayLike<number>, probs: ArrayLike<number>, bins = 10): number {
  const n = probs.length
  const count = n <= 2 * bins ? Math.floor(n / 2) : bins
  if (count < 1) return Number.NaN
  const width = Math.floor(n / count)
  const edges: number[] = []
  for (let e = 0; e <= n; e += width) edges.push(e)
  edges[edges.length - 1] = n
  const order = Array.from(probs, (_, i) => i).sort((a, b) => probs[a]! - probs[b]!)
  let ece = 0
  for (let b = 0; b + 1 < edges.length; b++) {
    let p = 0
    let y = 0
    for (let k = edges[b]!; k < edges[b + 1]!; k++) {
      p += probs[order[k]!]!
      y += labels[order[k]!]!
    }
    const size = edges[b + 1]! - edges[b]!
    ece += (size / n) * Math.abs(p / size - y / size)
  }
  return ece
}

export interface CalibrationCheck {
  /** Whether isotonic calibration lowered the out-of-fold ECE. */
  helps: boolean
  /** Out-of-fold ECE of the raw scores and of the calibrated ones; null when the check was skipped. */
  eceBefore: number | null
  eceAfter: number | null
}

/**
 * Does isotonic calibration help these scores? NannyML's `needs_calibration`: no when one class
 * is absent or AUROC > 0.999; otherwise calibrate each held-out fold on the rest and compare the
 * equal-count ECE before and after over all held-out rows. The folds are deterministic (the j-th
 * row of each class goes to fold j mod `folds`) where NannyML draws sklearn's
 * StratifiedShuffleSplit(random_state=42): same idea, reproducible on every runtime.
 */
export function checkCalibration(labels: ArrayLike<number>, scores: ArrayLike<number>, o: { folds?: number; bins?: number } = {}): CalibrationCheck {
  const folds = o.folds ?? 10
  const bins = o.bins ?? 10
  let positives = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++
  const skipped = { helps: false, eceBefore: null, eceAfter: null }
  if (positives === 0 || positives === labels.length || auroc(labels, scores) > 0.999) return skipped
  const fold = new Array<number>(labels.length)
  const seen = [0, 0]
  for (let i = 0; i < labels.length; i++) fold[i] = seen[labels[i] === 1 ? 1 : 0]!++ % folds
  const y: number[] = []
  const raw: number[] = []
  const calibrated: number[] = []
  for (let f = 0; f < folds; f++) {
    const train = fold.flatMap((g, i) => (g === f ? [] : [i]))
    const test = fold.flatMap((g, i) => (g === f ? [i] : []))
    if (test.length === 0 || train.length === 0) continue
    const map = isotonicKnots(
      train.map((i) => labels[i]!),
      train.map((i) => scores[i]!),
    )
    for (const i of test) {
      y.push(labels[i]!)
      raw.push(scores[i]!)
      calibrated.push(isotonicRecalibrated(map.x, map.y, scores[i]!))
    }
  }
  const eceBefore = equalCountEce(y, raw, bins)
  const eceAfter = equalCountEce(y, calibrated, bins)
  return { helps: eceBefore > eceAfter, eceBefore, eceAfter }
}
