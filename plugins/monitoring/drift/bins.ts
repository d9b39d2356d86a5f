/**
 * Reference-quantile binning shared by PSI and Jensen–Shannon.
 *
 * Edges are the reference quantiles at i/k (i = 1…k−1, numpy's default linear
 * interpolation). A value x lands in bin `#edges < x` (numpy `searchsorted(side='left')`):
 * bins are right-closed, so a value equal to an edge goes to the lower bin, and anything
 * below the reference minimum / above its maximum falls into the first / last bin.
 * Tied edges (heavy ties in the reference) leave empty bins; ε-clipping in PSI absorbs them.
 *
 * @example
 * const edges = quantileEdges([1, 2, 3, 4, 5], 2) // [3]
 * binProportions([0, 3, 9], edges)               // [2/3, 1/3]
 */

/** Quantile with linear interpolation between order statistics (numpy default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, sorted.length - 1)
  const frac = pos - lo
  const a = sorted[lo]!
  const b = sorted[hi]!
  // numpy's _lerp form, so edges agree bit-for-bit in the common case.
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac
}

/** The k − 1 interior edges at the reference's 1/k … (k−1)/k quantiles. */
export function quantileEdges(reference: readonly number[], bins = 10): number[] {
  if (reference.length === 0) throw new RangeError('quantileEdges: empty reference')
  const sorted = [...reference].sort((a, b) => a - b)
  return Array.from({ length: bins - 1 }, (_, i) => quantileSorted(sorted, (i + 1) / bins))
}

/** Share of `values` in each of the edges.length + 1 bins (sums to 1, not clipped). */
export function binProportions(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0)
  for (const v of values) {
    let lo = 0
    let hi = edges.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (edges[mid]! < v) lo = mid + 1
      else hi = mid
    }
    counts[lo]!++
  }
  return counts.map((c) => c / values.length)
}
