/**
 * Confidence-based performance estimation (CBPE, as NannyML defines it): performance on
 * predictions whose outcomes have not arrived yet, from the scores alone. A labelled reference
 * set calibrates the scores into probabilities q; on new data each row then counts q of a
 * positive and 1 − q of a negative, which gives an expected confusion matrix at the threshold
 * and an expected ROC curve. Valid under covariate shift (the score distribution moves) as long
 * as P(outcome | score) stays what the reference saw: concept drift is invisible to it.
 * Checked against test/monitoring/fixtures/cbpe/make_reference.py.
 */
import { auroc, brierScore, expectedCalibrationError, isotonicRecalibrated } from '../../../core/index.ts'
import { isotonicKnots } from '../recalibration/isotonic.ts'
import { checkCalibration, type IsotonicMap } from './cbpe-calibration.ts'
import { thresholdMetrics, type Confusion } from './threshold.ts'

/** `auto` (NannyML's default): calibrate when it lowers the out-of-fold ECE; `always`; `never` (scores are probabilities already). */
export type CbpeCalibration = 'auto' | 'always' | 'never'

export interface CbpeOptions {
  /** The model's decision threshold (score ≥ threshold is positive). Default 0.5. */
  threshold?: number
  calibration?: CbpeCalibration
  /** Uniform bins for the estimated ECE. Default 10. */
  bins?: number
}

/** What `fitCbpe` learnt from the reference: plain data, so it can be stored and reused. */
export interface CbpeFit {
  threshold: number
  bins: number
  /** The isotonic map applied to scores, or null when the raw scores are used as probabilities. */
  map: IsotonicMap | null
  /** The out-of-fold calibration check (`auto` only; null values when skipped or not run). */
  eceBefore: number | null
  eceAfter: number | null
  reference: { n: number; positives: number }
}

/** Estimated metrics: the confusion counts are expectations, so they are fractional. */
export interface CbpeEstimate extends Confusion {
  n: number
  auroc: number
  sensitivity: number
  specificity: number
  ppv: number
  npv: number
  f1: number
  accuracy: number
  /** Mean calibrated probability: the expected outcome rate. */
  prevalence: number
  /** Expected Brier score of the raw scores, E[(s − y)²] with y ~ Bernoulli(q). */
  brier: number
  /** ECE of the raw scores against the calibrated probabilities (uniform bins). */
  ece: number
}

const ratio = (x: number, y: number) => (y === 0 ? Number.NaN : x / y)

/**
 * Learns the calibration from labelled reference predictions.
 * @example const fit = fitCbpe(refLabels, refScores, { threshold: 0.3 }); estimatePerformance(fit, newScores).auroc
 */
export function fitCbpe(labels: ArrayLike<number>, scores: ArrayLike<number>, o: CbpeOptions = {}): CbpeFit {
  if (labels.length !== scores.length) throw new RangeError('labels and scores differ in length')
  if (labels.length === 0) throw new RangeError('no reference samples')
  let positives = 0
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++
  const mode = o.calibration ?? 'auto'
  const check = mode === 'auto' ? checkCalibration(labels, scores) : { helps: mode === 'always', eceBefore: null, eceAfter: null }
  return {
    threshold: o.threshold ?? 0.5,
    bins: o.bins ?? 10,
    map: check.helps ? isotonicKnots(labels, scores) : null,
    eceBefore: check.eceBefore,
    eceAfter: check.eceAfter,
    reference: { n: labels.length, positives },
  }
}

/** The calibrated probability of each score under a fit (the raw score when the fit has no map). */
export function calibrateScores(fit: CbpeFit, scores: ArrayLike<number>): number[] {
  const map = fit.map
  return map ? Array.from(scores, (s) => isotonicRecalibrated(map.x, map.y, s)) : Array.from(scores)
}

/**
 * Estimated ROC AUC: rows in descending score, the expected true and false positives are the
 * running sums of q and 1 − q, and the area under (FPR, TPR) is taken by trapezoids. Tied scores
 * have equal q, so their points are collinear and their order does not matter. NannyML rounds
 * the running sums to 5 decimals; this does not (the difference is below 1e-7 on the fixture).
 * NaN when the expected positives or negatives are 0.
 */
export function estimatedAuroc(probs: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (probs.length !== scores.length) throw new RangeError('probs and scores differ in length')
  const order = Array.from(scores, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  const tps = new Float64Array(order.length + 1)
  const fps = new Float64Array(order.length + 1)
  let tp = 0
  for (let k = 0; k < order.length; k++) {
    tp += probs[order[k]!]!
    tps[k + 1] = tp
    fps[k + 1] = k + 1 - tp // NannyML's form: rows so far minus expected positives
  }
  const P = tps[order.length]!
  const N = fps[order.length]!
  if (!(P > 0) || !(N > 0)) return Number.NaN
  let area = 0
  for (let k = 1; k <= order.length; k++) area += ((fps[k]! - fps[k - 1]!) / N) * ((tps[k]! / P + tps[k - 1]! / P) / 2)
  return area
}

/** The expected confusion matrix at `threshold`: a predicted positive adds q to TP and 1 − q to FP; a predicted negative q to FN, 1 − q to TN. */
export function estimatedConfusion(probs: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): Confusion {
  if (probs.length !== scores.length) throw new RangeError('probs and scores differ in length')
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 }
  for (let i = 0; i < scores.length; i++) {
    const q = probs[i]!
    if (scores[i]! >= threshold) {
      c.tp += q
      c.fp += 1 - q
    } else {
      c.fn += q
      c.tn += 1 - q
    }
  }
  return c
}

/**
 * Every estimate for one chunk of unlabelled scores. Rates are NaN where their denominator is 0,
 * as `thresholdMetrics`; everything is NaN for an empty chunk.
 */
export function estimatePerformance(fit: CbpeFit, scores: ArrayLike<number>): CbpeEstimate {
  const n = scores.length
  const q = calibrateScores(fit, scores)
  const c = estimatedConfusion(q, scores, fit.threshold)
  let expected = 0
  let brier = 0
  for (let i = 0; i < n; i++) {
    const s = scores[i]!
    expected += q[i]!
    brier += s * s - 2 * s * q[i]! + q[i]!
  }
  return {
    n,
    ...c,
    auroc: n ? estimatedAuroc(q, scores) : Number.NaN,
    sensitivity: ratio(c.tp, c.tp + c.fn),
    specificity: ratio(c.tn, c.tn + c.fp),
    ppv: ratio(c.tp, c.tp + c.fp),
    npv: ratio(c.tn, c.tn + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    accuracy: ratio(c.tp + c.tn, n),
    prevalence: ratio(expected, n),
    brier: ratio(brier, n),
    // calibrationCurve sums its `labels`, so the expected labels q go where observed ones would.
    ece: n ? expectedCalibrationError(q, scores, { bins: fit.bins, strategy: 'uniform' }) : Number.NaN,
  }
}

/** The same metrics realised on labelled rows, for showing beside the estimate (NaN where undefined). */
export function realisedPerformance(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number, bins = 10): CbpeEstimate {
  const n = labels.length
  if (n === 0) return estimatePerformance({ threshold, bins, map: null, eceBefore: null, eceAfter: null, reference: { n: 0, positives: 0 } }, [])
  const t = thresholdMetrics(labels, scores, threshold)
  let positives = 0
  for (let i = 0; i < n; i++) positives += labels[i]!
  return {
    n,
    tp: t.tp,
    fp: t.fp,
    tn: t.tn,
    fn: t.fn,
    auroc: auroc(labels, scores),
    sensitivity: t.sensitivity,
    specificity: t.specificity,
    ppv: t.ppv,
    npv: t.npv,
    f1: t.f1,
    accuracy: t.accuracy,
    prevalence: positives / n,
    brier: brierScore(labels, scores),
    ece: expectedCalibrationError(labels, scores, { bins, strategy: 'uniform' }),
  }
}
