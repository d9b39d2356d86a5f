import { calibrationSlopeIntercept, clippedLogit } from '../../../core/index.ts'

export interface LogisticFit {
  intercept: number
  slope: number
  /** Standard errors from the inverse Fisher information at the fit (statsmodels `Logit(...).fit().bse`). */
  standardErrors: { intercept: number; slope: number }
  iterations: number
  /** False when Newton–Raphson did not converge (e.g. outcomes separated by the score): the estimates are NaN. */
  converged: boolean
}

/**
 * Logistic recalibration y ~ a + b·logit(p), the unpenalised fit statsmodels' `Logit` makes, by the
 * Newton–Raphson of core's calibrationSlopeIntercept (the same fit the performance report's
 * calibration slope is), with the standard errors added from the information matrix at the estimate.
 * @example fitLogisticRecalibration(y, p) // { intercept: -0.31, slope: 0.62, standardErrors: { … }, iterations: 5, converged: true }
 */
export function fitLogisticRecalibration(labels: ArrayLike<number>, probs: ArrayLike<number>): LogisticFit {
  const { intercept, slope, iterations } = calibrationSlopeIntercept(labels, probs)
  if (!Number.isFinite(intercept) || !Number.isFinite(slope))
    return { intercept: Number.NaN, slope: Number.NaN, standardErrors: { intercept: Number.NaN, slope: Number.NaN }, iterations, converged: false }
  let [h00, h01, h11] = [0, 0, 0]
  for (let i = 0; i < probs.length; i++) {
    const x = clippedLogit(probs[i]!)
    const mu = 1 / (1 + Math.exp(-(intercept + slope * x)))
    const w = mu * (1 - mu)
    h00 += w
    h01 += w * x
    h11 += w * x * x
  }
  const det = h00 * h11 - h01 * h01
  return { intercept, slope, standardErrors: { intercept: Math.sqrt(h11 / det), slope: Math.sqrt(h00 / det) }, iterations, converged: true }
}
