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
import { quantileSorted, searchsorted } from '../../../core/index.ts'

/** The k − 1 interior edges at the reference's 1/k … (k−1)/k quantiles. */
export function quantileEdges(reference: readonly number[], bins = 10): number[] {
  if (reference.length === 0) throw new RangeError('quantileEdges: empty reference')
  const sorted = [...reference].sort((a, b) => a - b)
  return Array.from({ length: bins - 1 }, (_, i) => quantileSorted(sorted, (i + 1) / bins))
}

/** Share of `values` in each of the edges.length + 1 bins (sums to 1, not clipped). */
export function binProportions(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0)
  for (const v of values) counts[searchsorted(edges, v)]!++
  return counts.map((c) => c / values.length)
}
