/**
 * numpy's quantile and `searchsorted` on sorted data, shared by the calibration curve and the
 * drift tests so that both agree with numpy, and with each other, bit for bit.
 */

/** Quantile with linear interpolation between order statistics (numpy's default method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, sorted.length - 1)
  const frac = pos - lo
  const a = sorted[lo]!
  const b = sorted[hi]!
  // numpy's _lerp interpolates from the nearer end (keeps results monotone); mirror it for bit-equality.
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac
}

/**
 * numpy `searchsorted`: the count of sorted values < x (`left`) or ≤ x (`right`), i.e. where x
 * would be inserted to keep the order.
 */
export function searchsorted(sorted: readonly number[], x: number, side: 'left' | 'right' = 'left'): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (side === 'left' ? sorted[mid]! < x : sorted[mid]! <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}
