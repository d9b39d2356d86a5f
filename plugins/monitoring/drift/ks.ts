/**
 * Two-sample Kolmogorov–Smirnov test, ported from `scipy.stats.ks_2samp` (scipy 1.10,
 * `alternative='two-sided'`, `method='auto'`).
 *
 * scipy's `auto` rule: exact when max(n1, n2) ≤ 10 000, else asymptotic. The exact path
 * falls back to asymptotic when the lattice-path computation is not finite (as scipy does).
 *
 * @example
 * ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6]) // { statistic: 0.5, pValue: 0.771…, method: 'exact' }
 */
import { searchsorted } from '../../../core/index.ts'
import { kolmogornSf } from './kolmogorov.ts'

export interface KsResult {
  statistic: number
  pValue: number
  method: 'exact' | 'asymp'
}

const MAX_AUTO_N = 10_000

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** Pr(D_{n,n} ≥ h/n): Horner-like alternating sum (scipy `_compute_prob_outside_square`). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1)
    P = p1 * (1 - P)
  }
  return 2 * P
}

/**
 * Pr(D ≥ h/lcm) for m ≠ n (scipy `_compute_outer_prob_inside_method`, pythran there).
 * A[j] holds the share of lattice paths to (i, j) that have already left the band
 * |i/m − j/n| < h/lcm; shares rather than counts keep the numbers in [0, 1], no overflow.
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0]
  const mg = m / g
  const ng = n / g
  let minj = 0
  let maxj = Math.min(Math.ceil(h / mg), n + 1)
  let curlen = maxj - minj
  const lenA = Math.min(2 * maxj + 2, n + 1)
  const A = new Float64Array(lenA).fill(1)
  for (let j = minj; j < maxj; j++) A[j] = 0
  for (let i = 1; i <= m; i++) {
    const lastminj = minj
    const lastlen = curlen
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n)
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1)
    if (maxj <= minj) return 1
    let val = minj === 0 ? 0 : 1
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j)
      A[jj] = val
    }
    curlen = maxj - minj
    // Cells just below the sliding band are outside it: every path there has crossed (1).
    if (lastlen > curlen) for (let t = maxj - minj; t < maxj - minj + (lastlen - curlen) && t < lenA; t++) A[t] = 1
  }
  return A[maxj - minj - 1]!
}

/** Two-sample two-sided KS test; non-finite values must be removed by the caller. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  const x = [...a].sort((p, q) => p - q)
  const y = [...b].sort((p, q) => p - q)
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample: samples must not be empty')
  // Same evaluation as scipy: ECDF differences at every pooled point, side='right'.
  let maxS = -Infinity
  let minS = Infinity
  for (const v of [...x, ...y]) {
    const diff = searchsorted(x, v, 'right') / n1 - searchsorted(y, v, 'right') / n2
    if (diff > maxS) maxS = diff
    if (diff < minS) minS = diff
  }
  const negMin = Math.min(Math.max(-minS, 0), 1)
  let d = negMin > maxS ? negMin : maxS
  const g = gcd(n1, n2)
  if (Math.max(n1, n2) <= MAX_AUTO_N) {
    const lcm = (n1 / g) * n2
    const h = Math.round(d * lcm) // numpy rounds half to even; d·lcm is integral up to fp noise
    d = h / lcm
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' }
    const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h)
    if (Number.isFinite(p) && p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' }
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1]
  const en = Math.round((m * n) / (m + n))
  return { statistic: d, pValue: kolmogornSf(en, d), method: 'asymp' }
}
