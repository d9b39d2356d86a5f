import { auroc, brierScore, calibrationSlopeIntercept, expectedCalibrationError, logLoss, stratifiedKFold } from '../../../core/index.ts'
import { fitScoreMap, mapScore, type RecalibrationMethod } from './fit.ts'

/** Calibration figures of one set of probabilities against outcomes; null where a figure is undefined (NaN). */
export interface CalibrationMetrics {
  n: number
  positives: number
  brier: number
  /** Probabilities clipped to [1e−15, 1 − 1e−15]. */
  logLoss: number
  /** 10 uniform bins (sklearn's calibration_curve binning). */
  ece: number
  /** y ~ a + b·logit(q): 1 and 0 when calibrated; null when the fit does not converge. */
  calibrationSlope: number | null
  calibrationIntercept: number | null
  auroc: number | null
}

export interface CrossValidatedCalibration {
  method: RecalibrationMethod
  folds: number
  seed: number
  /** The scores as the model gave them. */
  before: CalibrationMetrics
  /** Out-of-fold: each row recalibrated by the map fitted on the other folds. */
  after: CalibrationMetrics
}

const finite = (v: number) => (Number.isFinite(v) ? v : null)

/** Brier, log-loss, ECE, calibration slope and intercept, and AUROC of probabilities against 0/1 outcomes. */
export function calibrationMetrics(labels: readonly number[], probs: readonly number[]): CalibrationMetrics {
  const { slope, intercept } = calibrationSlopeIntercept(labels, probs)
  return {
    n: labels.length,
    positives: labels.reduce((s, y) => s + y, 0),
    brier: brierScore(labels, probs),
    logLoss: logLoss(labels, probs),
    ece: expectedCalibrationError(labels, probs, { bins: 10, strategy: 'uniform' }),
    calibrationSlope: finite(slope),
    calibrationIntercept: finite(intercept),
    auroc: finite(auroc(labels, probs)),
  }
}

/**
 * Seeded stratified k-fold cross-validation of a recalibration (core/stats/split.ts's folds): fit the
 * map on k − 1 folds, apply it to the held-out one, and compare the pooled out-of-fold probabilities
 * with the model's own scores on the same rows. Each class needs at least `folds` rows.
 * @example crossValidateRecalibration(y, p, { method: 'logistic', folds: 5, seed: 0 }).after.brier
 */
export function crossValidateRecalibration(
  labels: readonly number[],
  scores: readonly number[],
  { method, folds = 5, seed = 0 }: { method: RecalibrationMethod; folds?: number; seed?: number },
): CrossValidatedCalibration & { outOfFold: number[] } {
  const outOfFold = new Array<number>(labels.length).fill(Number.NaN)
  for (const { train, test } of stratifiedKFold(labels, { folds, seed })) {
    const { map } = fitScoreMap(
      method,
      train.map((i) => labels[i]!),
      train.map((i) => scores[i]!),
    )
    for (const i of test) outOfFold[i] = mapScore(map, scores[i]!)
  }
  return { method, folds, seed, before: calibrationMetrics(labels, scores), after: calibrationMetrics(labels, outOfFold), outOfFold }
}
