/**
 * The calibrator behind performance estimation (cbpe.ts): isotonic regression by pool-adjacent-
 * violators, and NannyML's test of whether calibrating helps at all. Private to CBPE: the
 * recalibration of a model's own output is a separate feature with its own module.
 */
import { auroc } from '../../../core/index.ts'

/** A fitted isotonic map: the distinct reference scores, ascending, and the fitted value at each. */
export interface IsotonicMap {
  x: number[]
  y: number[]
}

/**
 * Increasing isotonic regression of 0/1 labels on scores, as scikit-learn's
 * `IsotonicRegression(increasing=True)` fits it: tied scores merge into their mean (weighted by
 * count), then adjacent blocks that violate the order are pooled into their weighted mean.
 * @example fitIsotonic([0.1, 0.2, 0.3], [0, 1, 0]) // { x: [0.1, 0.2, 0.3], y: [0, 0.5, 0.5] }
 */
export function fitIsotonic(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicMap {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length')
  if (scores.length === 0) throw new RangeError('no samples')
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  const x: number[] = []
  const sums: number[] = []
  const counts: number[] = []
  for (const i of order) {
    if (x.length > 0 && x[x.length - 1] === scores[i]) {
      sums[sums.length - 1]! += labels[i]!
      counts[counts.length - 1]!++
    } else {
      x.push(scores[i]!)
      sums.push(labels[i]!)
      counts.push(1)
    }
  }
  // Blocks hold Σw·y and Σw (w = count) so that pooling is exact sums, not means of means.
  const blocks: { wy: number; w: number; size: number }[] = []
  for (let k = 0; k < x.length; k++) {
    const mean = sums[k]! / counts[k]!
    blocks.push({ wy: mean * counts[k]!, w: counts[k]!, size: 1 })
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1]!
      const a = blocks[blocks.length - 2]!
      if (a.wy / a.w < b.wy / b.w) break
      blocks.pop()
      a.wy += b.wy
      a.w += b.w
      a.size += b.size
    }
  }
  const y: number[] = []
  for (const b of blocks) for (let k = 0; k < b.size; k++) y.push(b.wy / b.w)
  return { x, y }
}

/**
 * The map at t: clipped to the fitted range (`out_of_bounds='clip'`), linear between fitted
 * points (numpy `interp`, which scikit-learn's `predict` uses).
 */
export function applyIsotonic(map: IsotonicMap, t: number): number {
  const { x, y } = map
  const last = x.length - 1
  if (t <= x[0]! || last === 0) return y[0]!
  if (t >= x[last]!) return y[last]!
  let lo = 0
  let hi = last
  // Largest j with x[j] <= t (x is strictly increasing).
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (x[mid]! <= t) lo = mid
    else hi = mid
  }
  if (t === x[lo]) return y[lo]!
  return ((y[lo + 1]! - y[lo]!) / (x[lo + 1]! - x[lo]!)) * (t - x[lo]!) + y[lo]!
}

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
    const map = fitIsotonic(
      train.map((i) => scores[i]!),
      train.map((i) => labels[i]!),
    )
    for (const i of test) {
      y.push(labels[i]!)
      raw.push(scores[i]!)
      calibrated.push(applyIsotonic(map, scores[i]!))
    }
  }
  const eceBefore = equalCountEce(y, raw, bins)
  const eceAfter = equalCountEce(y, calibrated, bins)
  return { helps: eceBefore > eceAfter, eceBefore, eceAfter }
}
