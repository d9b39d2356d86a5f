/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions:
 * ∫ |F_u(x) − F_v(x)| dx, evaluated exactly between consecutive pooled values
 * (the same integral `scipy.stats.wasserstein_distance` computes, unweighted).
 *
 * @example
 * wasserstein([0, 1, 3], [5, 6, 8]) // 5
 */
export function wasserstein(u: readonly number[], v: readonly number[]): number {
  if (u.length === 0 || v.length === 0) throw new RangeError('wasserstein: samples must not be empty')
  const a = [...u].sort((x, y) => x - y)
  const b = [...v].sort((x, y) => x - y)
  const all = [...a, ...b].sort((x, y) => x - y)
  let i = 0
  let j = 0
  let total = 0
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!
    // ECDFs just right of x (searchsorted side='right').
    while (i < a.length && a[i]! <= x) i++
    while (j < b.length && b[j]! <= x) j++
    total += Math.abs(i / a.length - j / b.length) * (all[k + 1]! - x)
  }
  return total
}
