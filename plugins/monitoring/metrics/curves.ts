/**
 * ROC and precision–recall curves, computed the way scikit-learn 1.2.1 does so that
 * numbers agree with the Python side of a validation to floating-point precision.
 */

/** Cumulative TP/FP at each distinct score, highest first (sklearn's `_binary_clf_curve`). */
export function binaryClfCurve(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  if (labels.length !== scores.length) throw new RangeError('labels and scores differ in length')
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  const tps: number[] = []
  const fps: number[] = []
  const thresholds: number[] = []
  let tp = 0
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]!] === 1) tp++
    // Only the last index of a run of tied scores is a threshold: ties move together.
    if (k === order.length - 1 || scores[order[k + 1]!] !== scores[order[k]!]) {
      tps.push(tp)
      fps.push(k + 1 - tp)
      thresholds.push(scores[order[k]!]!)
    }
  }
  return { tps, fps, thresholds }
}

export interface RocCurve {
  fpr: number[]
  tpr: number[]
  thresholds: number[]
}

/**
 * `sklearn.metrics.roc_curve` with `drop_intermediate=True`: collinear points are dropped and
 * the first threshold is `max score + 1` (the sklearn 1.2 convention; 1.3+ uses `Infinity`).
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).thresholds // [1.8, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, dropIntermediate = true): RocCurve {
  let { tps, fps, thresholds } = binaryClfCurve(labels, scores)
  if (dropIntermediate && tps.length > 2) {
    // Keep a point only where the second difference is non-zero (a corner of the curve).
    const keep = tps.map(
      (_, i) => i === 0 || i === tps.length - 1 || fps[i + 1]! - 2 * fps[i]! + fps[i - 1]! !== 0 || tps[i + 1]! - 2 * tps[i]! + tps[i - 1]! !== 0,
    )
    tps = tps.filter((_, i) => keep[i])
    fps = fps.filter((_, i) => keep[i])
    thresholds = thresholds.filter((_, i) => keep[i])
  }
  tps = [0, ...tps]
  fps = [0, ...fps]
  thresholds = [thresholds[0]! + 1, ...thresholds]
  const P = tps[tps.length - 1]!
  const N = fps[fps.length - 1]!
  // sklearn warns and returns NaN when a class is absent; so do we (0/0).
  return { fpr: fps.map((f) => f / N), tpr: tps.map((t) => t / P), thresholds }
}

export interface PrCurve {
  precision: number[]
  recall: number[]
  thresholds: number[]
}

/**
 * `sklearn.metrics.precision_recall_curve` (1.2.1): one point per distinct score, thresholds
 * ascending, then a final point (precision 1, recall 0) with no threshold. Precision is 0 where
 * nothing is predicted positive; recall is 1 everywhere when there are no positives (as sklearn).
 * @example precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).precision // [0.5, 0.666…, 0.5, 1, 1]
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrCurve {
  const { tps, fps, thresholds } = binaryClfCurve(labels, scores)
  const P = tps[tps.length - 1]!
  const precision: number[] = []
  const recall: number[] = []
  const th: number[] = []
  for (let i = tps.length - 1; i >= 0; i--) {
    const ps = tps[i]! + fps[i]!
    precision.push(ps === 0 ? 0 : tps[i]! / ps)
    recall.push(P === 0 ? 1 : tps[i]! / P)
    th.push(thresholds[i]!)
  }
  precision.push(1)
  recall.push(0)
  return { precision, recall, thresholds: th }
}
