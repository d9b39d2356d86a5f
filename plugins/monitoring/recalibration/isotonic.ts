/**
 * Isotonic recalibration, step for step as scikit-learn 1.2's
 * `IsotonicRegression(increasing=True, y_min=0, y_max=1, out_of_bounds='clip').fit` builds its
 * knots (`_build_y`), so that the served map and its cross-validated figures are sklearn's:
 * sort by (score, outcome), pool equal scores (within float64 resolution) into their mean outcome,
 * pool adjacent violators, clip to [0, 1], and keep only the knots the interpolation needs.
 * The map is applied by `isotonicRecalibrated` (core/stats/recalibration.ts).
 */

/** numpy's `finfo(float64).resolution`: scores closer than this to a group's first score join the group (sklearn `_make_unique`). */
const RESOLUTION = 1e-15

export interface IsotonicKnots {
  /** Strictly increasing scores. */
  x: number[]
  /** Non-decreasing recalibrated probabilities in [0, 1]. */
  y: number[]
}

/** Pool adjacent violators in place: sklearn's `_inplace_contiguous_isotonic_regression`, the same O(n) single pass with backtracking. */
function poolAdjacentViolators(y: number[], w: number[]): void {
  const n = y.length
  // target[i] = j and target[j] = i while [i..j] is a block (sklearn's bookkeeping).
  const target = Array.from({ length: n }, (_, i) => i)
  let i = 0
  while (i < n) {
    let k = target[i]! + 1
    if (k === n) break
    if (y[i]! < y[k]!) {
      i = k
      continue
    }
    let sumWy = w[i]! * y[i]!
    let sumW = w[i]!
    for (;;) {
      const prevY = y[k]!
      sumWy += w[k]! * y[k]!
      sumW += w[k]!
      k = target[k]! + 1
      if (k === n || prevY < y[k]!) {
        y[i] = sumWy / sumW
        w[i] = sumW
        target[i] = k - 1
        target[k - 1] = i
        if (i > 0) i = target[i - 1]!
        break
      }
    }
  }
  for (let b = 0; b < n; ) {
    const end = target[b]! + 1
    for (let j = b + 1; j < end; j++) y[j] = y[b]!
    b = end
  }
}

/**
 * Fit the isotonic map of outcomes on scores.
 * @example isotonicKnots([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4]) // { x: [0.1, 0.2, 0.3, 0.4], y: [0, 0.5, 0.5, 1] }
 */
export function isotonicKnots(labels: ArrayLike<number>, scores: ArrayLike<number>): IsotonicKnots {
  const n = labels.length
  if (n === 0 || n !== scores.length) throw new RangeError('isotonic: labels and scores must be non-empty and of one length')
  for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i]!) || !Number.isFinite(labels[i]!)) throw new RangeError('isotonic: a score or label is not finite')
  // numpy lexsort((y, X)): by score, then by outcome; stable.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || labels[a]! - labels[b]!)
  const ux: number[] = []
  const uy: number[] = []
  const uw: number[] = []
  let [currentX, sumY, weight] = [scores[order[0]!]!, 0, 0]
  for (const i of order) {
    const x = scores[i]!
    if (x - currentX >= RESOLUTION) {
      ux.push(currentX)
      uy.push(sumY / weight)
      uw.push(weight)
      ;[currentX, sumY, weight] = [x, labels[i]!, 1]
    } else {
      sumY += labels[i]!
      weight += 1
    }
  }
  ux.push(currentX)
  uy.push(sumY / weight)
  uw.push(weight)
  poolAdjacentViolators(uy, uw)
  for (let j = 0; j < uy.length; j++) uy[j] = Math.min(1, Math.max(0, uy[j]!))
  // sklearn's trim_duplicates: drop an inner knot whose value equals both neighbours' (it lies on a flat run).
  const keep = uy.map((v, j) => j === 0 || j === uy.length - 1 || v !== uy[j - 1] || v !== uy[j + 1])
  return { x: ux.filter((_, j) => keep[j]), y: uy.filter((_, j) => keep[j]) }
}
