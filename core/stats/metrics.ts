import { calibrationCurve, expectedCalibrationError } from './calibration.ts'

/**
 * Discrimination and calibration metrics for binary classifiers, pure TypeScript so they run
 * on every runtime. Model plugins' `evaluate` and the monitoring plugin share these, so they live in core, below both.
 * Checked against scikit-learn on committed fixtures.
 */

function check(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  if (labels.length !== scores.length) throw new RangeError('labels and scores differ in length')
  if (labels.length === 0) throw new RangeError('no samples')
}

/**
 * Area under the ROC curve, exact: the Mann–Whitney statistic with tied scores counted
 * as half (the same value as scikit-learn's `roc_auc_score`). NaN when one class is absent.
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  check(labels, scores)
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  let positives = 0
  let rankSum = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++
    const midRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++)
      if (labels[order[k]!] === 1) {
        positives++
        rankSum += midRank
      }
    i = j + 1
  }
  const negatives = order.length - positives
  if (positives === 0 || negatives === 0) return Number.NaN
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/** Mean negative log-likelihood; probabilities are clipped to [eps, 1 - eps] like scikit-learn. */
export function logLoss(labels: ArrayLike<number>, probs: ArrayLike<number>, eps = 1e-15): number {
  check(labels, probs)
  let total = 0
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probs[i]!))
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p)
  }
  return total / labels.length
}

/** Mean squared difference between the probability and the 0/1 outcome. */
export function brierScore(labels: ArrayLike<number>, probs: ArrayLike<number>): number {
  check(labels, probs)
  let total = 0
  for (let i = 0; i < labels.length; i++) total += (probs[i]! - labels[i]!) ** 2
  return total / labels.length
}

/**
 * Average precision, as scikit-learn's `average_precision_score` defines it:
 * Σ (R_n − R_{n−1}) P_n over the distinct score thresholds, from the highest down.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  check(labels, scores)
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  const positives = Array.from(labels).filter((y) => y === 1).length
  if (positives === 0) return Number.NaN
  let tp = 0
  let fp = 0
  let ap = 0
  let lastRecall = 0
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!] === 1) tp++
      else fp++
      j++
    }
    const recall = tp / positives
    ap += (recall - lastRecall) * (tp / (tp + fp))
    lastRecall = recall
    i = j
  }
  return ap
}

export interface CalibrationCurve {
  probTrue: number[]
  probPred: number[]
  binCounts: number[]
}

/**
 * scikit-learn's `calibration_curve` with `strategy='uniform'` (`bins` equal-width bins, a value
 * on an edge in the lower bin, empty bins dropped) and the expected calibration error,
 * ECE = Σ_b (n_b / n) · |mean predicted_b − observed rate_b|. One implementation: calibration.ts.
 */
export function calibration(labels: ArrayLike<number>, probs: ArrayLike<number>, bins = 10): CalibrationCurve & { ece: number } {
  const { probTrue, probPred, binCounts } = calibrationCurve(labels, probs, { bins, strategy: 'uniform' })
  return { probTrue, probPred, binCounts, ece: expectedCalibrationError(labels, probs, { bins, strategy: 'uniform' }) }
}

/** The standard binary-classifier evaluation every model plugin reports. */
export function classifierMetrics(labels: ArrayLike<number>, probs: ArrayLike<number>) {
  const cal = calibration(labels, probs)
  return {
    auroc: auroc(labels, probs),
    auprc: averagePrecision(labels, probs),
    brier: brierScore(labels, probs),
    logLoss: logLoss(labels, probs),
    ece: cal.ece,
    n: labels.length,
  }
}
