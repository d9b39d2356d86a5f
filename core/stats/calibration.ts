/**
 * Calibration curve (uniform or quantile bins, as `sklearn.calibration.calibration_curve`),
 * expected calibration error, and calibration slope/intercept by logistic recalibration.
 */
import { quantileSorted, searchsorted } from './sorted.ts'

export interface BinnedCalibration {
  probTrue: number[]
  probPred: number[]
  binCounts: number[]
  edges: number[]
}

/** numpy's default (`linear`) percentile of sorted data (`q` in 0…100). */
export const percentileSorted = (sorted: readonly number[], q: number) => quantileSorted(sorted, q / 100)

/**
 * Bins predictions and returns observed rate and mean prediction per non-empty bin.
 * A prediction p goes to bin #(inner edges < p) (numpy `searchsorted`, side left), so a
 * value exactly on an edge joins the lower bin, as in sklearn.
 * @example calibrationCurve(y, p, { bins: 10, strategy: 'quantile' }).probTrue
 */
export function calibrationCurve(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  { bins = 5, strategy = 'uniform' }: { bins?: number; strategy?: 'uniform' | 'quantile' } = {},
): BinnedCalibration {
  if (labels.length !== probs.length) throw new RangeError('labels and probs differ in length')
  // np.linspace(0, 1, bins + 1): i * step, with the last point pinned to exactly 1.
  const grid = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * (1 / bins)))
  let edges = grid
  if (strategy === 'quantile') {
    const sorted = Array.from(probs).sort((a, b) => a - b)
    // sklearn passes `grid * 100` to np.percentile, which divides by 100 again: keep both roundings.
    edges = grid.map((q) => percentileSorted(sorted, q * 100))
  }
  const inner = edges.slice(1, -1)
  const sums = Array.from({ length: edges.length }, () => ({ n: 0, y: 0, p: 0 }))
  for (let i = 0; i < labels.length; i++) {
    const p = probs[i]!
    const b = searchsorted(inner, p)
    sums[b]!.n++
    sums[b]!.y += labels[i]!
    sums[b]!.p += p
  }
  const kept = sums.filter((s) => s.n > 0)
  return { probTrue: kept.map((s) => s.y / s.n), probPred: kept.map((s) => s.p / s.n), binCounts: kept.map((s) => s.n), edges }
}

/**
 * Expected calibration error on the bins of `calibrationCurve`:
 * ECE = Σ_b (n_b / n) · |mean predicted_b − observed rate_b|.
 * @example expectedCalibrationError(y, p, { bins: 10 })
 */
export function expectedCalibrationError(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  opts: { bins?: number; strategy?: 'uniform' | 'quantile' } = { bins: 10 },
): number {
  const c = calibrationCurve(labels, probs, { bins: 10, ...opts })
  let e = 0
  for (let b = 0; b < c.binCounts.length; b++) e += (c.binCounts[b]! / labels.length) * Math.abs(c.probPred[b]! - c.probTrue[b]!)
  return e
}

/**
 * Calibration intercept a and slope b from the unpenalised logistic fit y ~ a + b·logit(p),
 * by Newton–Raphson (IRLS) with step-halving. A perfectly calibrated model has a = 0, b = 1; b < 1 means
 * over-confident predictions. Probabilities are clipped to [eps, 1 − eps] so logit is finite.
 * Returns NaN for both when the fit does not converge (e.g. separable data).
 * @example calibrationSlopeIntercept(y, p) // { intercept: 0.02, slope: 0.95, iterations: 6 }
 */
export function calibrationSlopeIntercept(labels: ArrayLike<number>, probs: ArrayLike<number>, eps = 1e-15, maxIter = 100) {
  const x = Array.from(probs, (p) => {
    const q = Math.min(1 - eps, Math.max(eps, p))
    return Math.log(q / (1 - q))
  })
  // The log-likelihood Σ y·z − log(1 + e^z), z = a + b·x, with log(1 + e^z) written so it cannot overflow.
  const logLik = (a: number, b: number) => {
    let s = 0
    for (let i = 0; i < x.length; i++) {
      const z = a + b * x[i]!
      s += labels[i]! * z - (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))))
    }
    return s
  }
  let a = 0
  let b = 1
  let current = logLik(a, b)
  for (let it = 1; it <= maxIter; it++) {
    let g0 = 0,
      g1 = 0,
      h00 = 0,
      h01 = 0,
      h11 = 0
    for (let i = 0; i < x.length; i++) {
      const mu = 1 / (1 + Math.exp(-(a + b * x[i]!)))
      const w = mu * (1 - mu)
      const r = labels[i]! - mu
      g0 += r
      g1 += r * x[i]!
      h00 += w
      h01 += w * x[i]!
      h11 += w * x[i]! * x[i]!
    }
    const det = h00 * h11 - h01 * h01
    if (!(det > 0)) break
    const da = (h11 * g0 - h01 * g1) / det
    const db = (h00 * g1 - h01 * g0) / det
    // Step-halving: from the start (0, 1) a full Newton step can overshoot when some scores sit at
    // 0 or 1 (an isotonic map's output), and then diverge although the fit exists. The
    // log-likelihood is concave, so a shorter step along the Newton direction gains; near the
    // optimum the full step always passes (the slack covers rounding), so the answer is Newton's.
    let t = 1
    let next = logLik(a + da, b + db)
    while (!(next >= current - 1e-10 * (1 + Math.abs(current))) && t > 1e-12) {
      t /= 2
      next = logLik(a + t * da, b + t * db)
    }
    a += t * da
    b += t * db
    current = next
    if (t === 1 && Math.abs(da) < 1e-12 * (1 + Math.abs(a)) && Math.abs(db) < 1e-12 * (1 + Math.abs(b))) return { intercept: a, slope: b, iterations: it }
  }
  return { intercept: Number.NaN, slope: Number.NaN, iterations: maxIter }
}
