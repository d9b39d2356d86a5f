/**
 * The two score maps of a site recalibration, as they are applied at serving time
 * (core/registry/calibrated-model.ts) and in cross-validation (plugins/monitoring/recalibration),
 * so that the figures a recalibration reports are those of the map the new version serves.
 * Each reproduces the library it is checked against: statsmodels' `Logit.predict` and
 * scikit-learn's `IsotonicRegression(out_of_bounds='clip').predict`.
 */

/** Probabilities are clipped to [eps, 1 − eps] before the logit, as calibrationSlopeIntercept does. */
export const RECALIBRATION_EPS = 1e-15

/** logit(p) with p clipped to [eps, 1 − eps], so that 0 and 1 stay finite. */
export function clippedLogit(p: number, eps = RECALIBRATION_EPS): number {
  const q = Math.min(1 - eps, Math.max(eps, p))
  return Math.log(q / (1 - q))
}

/**
 * Logistic recalibration: σ(intercept + slope · logit(p)). σ is written as statsmodels' `Logit.cdf`
 * writes it, 1 / (1 + e^−z), which is 0 (not NaN) far below zero.
 * @example logisticRecalibrated(0.2, -0.1, 0.8) // ≈ 0.226
 */
export function logisticRecalibrated(p: number, intercept: number, slope: number): number {
  return 1 / (1 + Math.exp(-(intercept + slope * clippedLogit(p))))
}

/**
 * Isotonic recalibration at p: p clipped to [x₀, xₙ₋₁], then linear interpolation between the
 * knots exactly as scipy's `interp1d` (which scikit-learn predicts with) does it: the segment is
 * the one ending at the first knot ≥ p (the first segment for p = x₀), and the value is
 * slope · (p − x_lo) + y_lo. One knot is a constant map. `x` must be strictly increasing.
 * @example isotonicRecalibrated([0.1, 0.5, 0.9], [0, 0.4, 1], 0.3) // 0.2
 */
export function isotonicRecalibrated(x: readonly number[], y: readonly number[], p: number): number {
  const n = x.length
  if (n === 0 || n !== y.length) throw new RangeError('isotonic knots: x and y must be non-empty and of one length')
  if (n === 1) return y[0]!
  const t = Math.min(x[n - 1]!, Math.max(x[0]!, p))
  // numpy searchsorted(x, t, side='left'), then clipped to [1, n − 1] as interp1d does.
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x[mid]! < t) lo = mid + 1
    else hi = mid
  }
  const k = Math.min(n - 1, Math.max(1, lo))
  const [x0, x1, y0, y1] = [x[k - 1]!, x[k]!, y[k - 1]!, y[k]!]
  return ((y1 - y0) / (x1 - x0)) * (t - x0) + y0
}
