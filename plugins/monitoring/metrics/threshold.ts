/**
 * Operating-point metrics at a decision threshold (score ≥ threshold is called positive),
 * and threshold selection rules.
 */
import { binaryClfCurve } from './curves.ts'

export interface Confusion {
  tp: number
  fp: number
  tn: number
  fn: number
}

/** Counts of the 2×2 table at `threshold`. @example confusionAt([0, 1], [0.2, 0.7], 0.5) // {tp:1,fp:0,tn:1,fn:0} */
export function confusionAt(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 }
  for (let i = 0; i < labels.length; i++) {
    const pos = scores[i]! >= threshold
    if (labels[i] === 1) pos ? c.tp++ : c.fn++
    else pos ? c.fp++ : c.tn++
  }
  return c
}

export interface ThresholdMetrics extends Confusion {
  threshold: number
  sensitivity: number
  specificity: number
  ppv: number
  npv: number
  f1: number
  accuracy: number
  lrPositive: number
  lrNegative: number
}

/** x/y, NaN when the denominator is 0: "undefined" should never read as a perfect or null score. */
const ratio = (x: number, y: number) => (y === 0 ? Number.NaN : x / y)

/**
 * Metrics from the confusion table. Division by zero: any 0/0 or x/0 ratio is `NaN`
 * (e.g. PPV with no predicted positives), except LR+ = sens/(1−spec), which is `Infinity`
 * when specificity is 1 and sensitivity > 0 (a perfect rule-in test), and LR− = (1−sens)/spec
 * which is `Infinity` when specificity is 0 and sensitivity < 1. F1 is 2TP/(2TP+FP+FN), NaN if all zero.
 * @example thresholdMetrics([0, 1, 1], [0.2, 0.7, 0.4], 0.5).sensitivity // 0.5
 */
export function thresholdMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): ThresholdMetrics {
  const c = confusionAt(labels, scores, threshold)
  const sensitivity = ratio(c.tp, c.tp + c.fn)
  const specificity = ratio(c.tn, c.tn + c.fp)
  const lr = (num: number, den: number) => (den === 0 ? (num > 0 ? Number.POSITIVE_INFINITY : Number.NaN) : num / den)
  return {
    ...c,
    threshold,
    sensitivity,
    specificity,
    ppv: ratio(c.tp, c.tp + c.fp),
    npv: ratio(c.tn, c.tn + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    accuracy: ratio(c.tp + c.tn, labels.length),
    lrPositive: lr(sensitivity, 1 - specificity),
    lrNegative: lr(1 - sensitivity, specificity),
  }
}

export type ThresholdRule = { rule: 'youden' } | { rule: 'sensitivity'; target: number } | { rule: 'specificity'; target: number }

/**
 * Picks a threshold among the distinct scores.
 * - `youden`: maximises J = sensitivity + specificity − 1 (ties: the highest threshold).
 * - `sensitivity`: the highest threshold whose sensitivity ≥ target (most specific such rule).
 * - `specificity`: the lowest threshold whose specificity ≥ target (most sensitive such rule).
 * Returns NaN when no threshold qualifies or a class is absent.
 * @example selectThreshold(y, p, { rule: 'sensitivity', target: 0.9 })
 */
export function selectThreshold(labels: ArrayLike<number>, scores: ArrayLike<number>, rule: ThresholdRule): number {
  const { tps, fps, thresholds } = binaryClfCurve(labels, scores) // thresholds descending
  const P = tps[tps.length - 1] ?? 0
  const N = fps[fps.length - 1] ?? 0
  if (P === 0 || N === 0) return Number.NaN
  if (rule.rule === 'youden') {
    let best = Number.NaN
    let bestJ = Number.NEGATIVE_INFINITY
    for (let i = 0; i < tps.length; i++) {
      const j = tps[i]! / P - fps[i]! / N
      if (j > bestJ) {
        bestJ = j
        best = thresholds[i]!
      }
    }
    return best
  }
  if (rule.rule === 'sensitivity') {
    // Sensitivity only grows as the threshold falls, so the first hit is the highest threshold.
    for (let i = 0; i < tps.length; i++) if (tps[i]! / P >= rule.target) return thresholds[i]!
    return Number.NaN
  }
  // Specificity only falls as the threshold falls: the last qualifying one is the lowest.
  let found = Number.NaN
  for (let i = 0; i < fps.length; i++) if (1 - fps[i]! / N >= rule.target) found = thresholds[i]!
  return found
}
