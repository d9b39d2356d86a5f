/**
 * Survival function of the two-sided one-sample KS statistic D_n (scipy `kstwo.sf`),
 * for the large n that the asymptotic `ks_2samp` path feeds it (n = round(n1·n2/(n1+n2))).
 *
 * Follows the branches of scipy 1.10 `_kolmogn(n, x, cdf=False)`: Ruben–Gambino tails,
 * x ≥ 0.5 → 2·smirnov, and for n > 140: n·x² ≥ 370 → 0, n·x² ≥ 2.2 → 2·smirnov(n, x),
 * n·x^1.5 ≤ 1.4 → 1 − Durbin matrix, else 1 − Pelz–Good. For n ≤ 140 scipy uses Pomeranz
 * when 0.754693 < n·x² ≤ 4; that is not ported: the (also exact) Durbin matrix stands in.
 *
 * @example
 * kolmogornSf(5000, 0.02) // ≈ 0.03614
 */
import { logGamma } from '../../../core/index.ts'

const PI2 = Math.PI ** 2
const PI4 = Math.PI ** 4
const PI6 = Math.PI ** 6
const SQRT2PI = Math.sqrt(2 * Math.PI)
const MIN_LOG = -708

/** One-sided exact Smirnov Pr(D+_n ≥ e), Birnbaum–Tingey sum in log space (cephes `smirnov`). */
export function smirnov(n: number, e: number): number {
  if (e <= 0) return 1
  if (e >= 1) return 0
  const nn = Math.floor(n * (1 - e))
  const lgn1 = logGamma(n + 1)
  let p = 0
  for (let v = 0; v <= nn; v++) {
    const evn = e + v / n
    const omevn = 1 - evn
    if (omevn <= 0) continue
    const t = lgn1 - logGamma(v + 1) - logGamma(n - v + 1) + (v - 1) * Math.log(evn) + (n - v) * Math.log(omevn)
    if (t > MIN_LOG) p += Math.exp(t)
  }
  return p * e
}

/** Pelz–Good approximation to Pr(D_n ≤ x) (scipy `_kolmogn_PelzGood`). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z3 = z2 * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const qlog = -PI2 / 8 / z2
  if (qlog < MIN_LOG) return 0
  let q = Math.exp(qlog)
  const k1a = -z2
  const k1b = PI2 / 4
  const k2a = 6 * z6 + 2 * z4
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4
  const k2c = (PI4 * (1 - 2 * z2)) / 16
  const k3d = (PI6 * (5 - 30 * z2)) / 64
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4
  const k3a = -30 * z6 - 90 * z ** 8
  const K = [0, 0, 0, 0]
  const maxk = Math.ceil((16 * z) / Math.PI)
  // Horner in q^(8k): the sum over odd m = 2k − 1 of c_m q^(m²).
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const qp = q ** (8 * k)
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qp + coeffs[i]!
  }
  const denom = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10]
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT2PI) / denom[i]!
  q = Math.exp(-PI2 / 2 / z2)
  let k2extra = 0
  let k3extra = 0
  const sqrt3z = Math.sqrt(3) * z
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k
    const qk = q ** k2
    k2extra += k2 * qk
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2 * qk
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT2PI) / (-36 * z3)
  K[3] = K[3]! + (k3extra * PI2 * SQRT2PI) / (216 * z6)
  let sum = 0
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2)
  return sum
}

const E128 = 128
const EP128 = 2 ** 128
const EM128 = 2 ** -128

type Matrix = Float64Array[]

function matmul(a: Matrix, b: Matrix): Matrix {
  const m = a.length
  const out = Array.from({ length: m }, () => new Float64Array(m))
  for (let i = 0; i < m; i++) {
    const ai = a[i]!
    const oi = out[i]!
    for (let k = 0; k < m; k++) {
      const aik = ai[k]!
      if (aik === 0) continue
      const bk = b[k]!
      for (let j = 0; j < m; j++) oi[j] = oi[j]! + aik * bk[j]!
    }
  }
  return out
}

/**
 * Exact Pr(D_n ≤ d) by the Durbin matrix (Marsaglia–Tsang–Wang 2003; scipy `_kolmogn_DMTW`):
 * the k-th diagonal entry of n!/n^n · H^n, with a separate power-of-two exponent because
 * the entries of H^n overflow doubles long before the product is scaled back.
 */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1
  const nd = n * d
  if (nd <= 0.5) return 0
  const k = Math.ceil(nd)
  const h = k - nd
  const m = 2 * k - 1
  const v = new Float64Array(m)
  const w = new Float64Array(m)
  let fac = 1
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac
    fac /= j
    v[j - 1] = (1 - h ** j) * fac
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m
  v[m - 1] = (1 + tt) * fac
  let H: Matrix = Array.from({ length: m }, () => new Float64Array(m))
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r]![i] = w[r - i + 1]!
  for (let r = 0; r < m; r++) H[r]![0] = v[r]!
  for (let c = 0; c < m; c++) H[m - 1]![c] = v[m - 1 - c]!
  let P: Matrix = Array.from({ length: m }, (_, i) => {
    const row = new Float64Array(m)
    row[i] = 1
    return row
  })
  let nn = n
  let expnt = 0
  let hexpnt = 0
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, H)
      expnt += hexpnt
    }
    H = matmul(H, H)
    hexpnt *= 2
    if (Math.abs(H[k - 1]![k - 1]!) > EP128) {
      for (const row of H) for (let j = 0; j < m; j++) row[j] = row[j]! / EP128
      hexpnt += E128
    }
    nn = Math.floor(nn / 2)
  }
  let p = P[k - 1]![k - 1]!
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n
    if (Math.abs(p) < EM128) {
      p *= EP128
      expnt -= E128
    }
  }
  // ldexp in two halves: 2^expnt alone may overflow/underflow where the product does not.
  const half = Math.trunc(expnt / 2)
  return clip(p * 2 ** half * 2 ** (expnt - half))
}

const clip = (p: number) => Math.min(1, Math.max(0, p))

/** Pr(D_n > x) for the two-sided one-sample KS statistic. */
export function kolmogornSf(n: number, x: number): number {
  if (x >= 1) return 0
  if (x <= 0) return 1
  const t = n * x
  if (t <= 1) {
    if (t <= 0.5) return 1
    // Ruben–Gambino lower tail: Pr(D_n ≤ x) = n!/n^n (2t − 1)^n.
    const logp = logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1)
    return clip(1 - Math.exp(logp))
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n)
  if (x >= 0.5) return clip(2 * smirnov(n, x))
  const nx2 = t * x
  if (n <= 140) return nx2 <= 4 ? clip(1 - durbinCdf(n, x)) : clip(2 * smirnov(n, x))
  if (nx2 >= 370) return 0
  if (nx2 >= 2.2) return clip(2 * smirnov(n, x))
  if (n <= 100_000 && n * x ** 1.5 <= 1.4) return clip(1 - durbinCdf(n, x))
  return clip(1 - pelzGoodCdf(n, x))
}
