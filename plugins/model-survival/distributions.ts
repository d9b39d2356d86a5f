/**
 * The few distribution functions survival statistics need (normal and chi-square tails, the
 * normal quantile), accurate to ~1e-15 so that p-values and confidence limits match R's.
 * Both tails come from one regularised incomplete gamma: P(|Z| > z) = Q(1/2, z²/2), P(χ²_k > x) = Q(k/2, x/2).
 */
import { gammaIncUpper } from '../../core/index.ts'

/** The regularised upper incomplete gamma Q(a, x): one implementation, shared with the drift tests. */
export const gammaQ = gammaIncUpper

/** Upper tail of the chi-square distribution with `df` degrees of freedom. */
export const chiSquareSf = (x: number, df: number): number => gammaQ(df / 2, x / 2)

/** Two-sided normal p-value P(|Z| ≥ |z|). */
export const normalTwoSided = (z: number): number => gammaQ(0.5, (z * z) / 2)

/** Standard normal CDF Φ(z). */
export const normalCdf = (z: number): number => (z < 0 ? normalTwoSided(z) / 2 : 1 - normalTwoSided(z) / 2)

/**
 * The standard normal quantile Φ⁻¹(p): Acklam's rational approximation, then Newton steps on
 * the accurate CDF to full double precision (R's qnorm(0.975) = 1.959963984540054).
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  let x: number
  if (p < 0.02425) x = tail(Math.sqrt(-2 * Math.log(p)))
  else if (p > 1 - 0.02425) x = -tail(Math.sqrt(-2 * Math.log(1 - p)))
  else {
    const q = p - 0.5
    const r = q * q
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  }
  for (let i = 0; i < 3; i++) {
    const density = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)
    x -= (normalCdf(x) - p) / density
  }
  return x
}
