/**
 * Population Stability Index on reference-decile bins (see `bins.ts` for edge handling).
 *
 * PSI = Σ (c − r) · ln(c / r), with each proportion clipped below at ε = 1e-6 so empty bins
 * stay finite. No renormalisation after clipping: that matches the usual monitoring
 * tools and keeps an empty bin's contribution bounded by ~|p|·ln(p/ε).
 *
 * @example
 * psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]) // ≈ 6.65 (half the mass moved past the top edge)
 */
import { binProportions, quantileEdges } from './bins.ts'

export const PSI_EPSILON = 1e-6

/** PSI from two proportion vectors on the same bins. */
export function psiFromProportions(reference: readonly number[], current: readonly number[], epsilon = PSI_EPSILON): number {
  let sum = 0
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]!, epsilon)
    const c = Math.max(current[i]!, epsilon)
    sum += (c - r) * Math.log(c / r)
  }
  return sum
}

/** PSI of `current` against `reference`, binned at the reference's `bins`-quantiles. */
export function psi(reference: readonly number[], current: readonly number[], bins = 10): number {
  const edges = quantileEdges(reference, bins)
  return psiFromProportions(binProportions(reference, edges), binProportions(current, edges))
}
