/**
 * Jensen–Shannon **distance** (square root of the divergence), natural log (base e), as
 * `scipy.spatial.distance.jensenshannon(p, q)` with its default base; in [0, √ln 2].
 * Numeric features use the same reference-quantile bins as PSI, on unclipped proportions.
 *
 * @example
 * jensenShannonDistance([0.5, 0.5], [0.5, 0.5]) // 0
 */
import { binProportions, quantileEdges } from './bins.ts'

/** JS distance of two (possibly unnormalised) non-negative vectors; both get normalised, as scipy does. */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0)
  const sq = q.reduce((a, b) => a + b, 0)
  let div = 0
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp
    const b = q[i]! / sq
    const m = (a + b) / 2
    // rel_entr convention: 0·ln(0/m) = 0.
    if (a > 0) div += a * Math.log(a / m)
    if (b > 0) div += b * Math.log(b / m)
  }
  return Math.sqrt(Math.max(div / 2, 0))
}

/** JS distance of two numeric samples on the reference's `bins`-quantile bins. */
export function jensenShannonBinned(reference: readonly number[], current: readonly number[], bins = 10): number {
  const edges = quantileEdges(reference, bins)
  return jensenShannonDistance(binProportions(reference, edges), binProportions(current, edges))
}
