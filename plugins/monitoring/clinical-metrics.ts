/**
 * Discrimination and calibration metrics for binary classifiers, pure TypeScript so they run
 * on every runtime. Model plugins' `evaluate` and the monitoring plugin share these.
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
  for (let i = 0; i < order.length;) {
    let j = i
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++
    const midRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (labels[order[k]!] === 1) { positives++; rankSum += midRank }
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
