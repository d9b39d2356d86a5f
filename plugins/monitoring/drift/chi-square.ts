/**
 * Chi-square test of homogeneity for one categorical feature: a 2 × K contingency table of
 * category counts (reference row, current row) over the union of categories, as
 * `scipy.stats.chi2_contingency(table, correction=…)`. Yates' continuity correction applies
 * only when dof = 1 (two categories) and `correction` is true — scipy's default.
 *
 * @example
 * chiSquare(['a', 'a', 'b'], ['b', 'b', 'a']) // { statistic, pValue, dof: 1 }
 */
import { chi2Sf } from '../../../core/index.ts'

export interface ChiSquareResult {
  statistic: number
  pValue: number
  dof: number
}

/** Category → count, keeping first-seen order. */
export function countCategories(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1)
  return m
}

export function chiSquare(reference: readonly string[], current: readonly string[], correction = true): ChiSquareResult {
  const r = countCategories(reference)
  const c = countCategories(current)
  const cats = [...new Set([...r.keys(), ...c.keys()])]
  const k = cats.length
  const dof = k - 1
  // A single category on both sides: no evidence of difference (scipy returns p = 1 here).
  if (dof === 0) return { statistic: 0, pValue: 1, dof }
  const nR = reference.length
  const nC = current.length
  const n = nR + nC
  let stat = 0
  for (const cat of cats) {
    const col = (r.get(cat) ?? 0) + (c.get(cat) ?? 0)
    for (const [obs0, rowTotal] of [
      [r.get(cat) ?? 0, nR],
      [c.get(cat) ?? 0, nC],
    ] as const) {
      const expected = (rowTotal * col) / n
      let obs = obs0
      if (correction && dof === 1) {
        // Yates: move each observed count towards its expectation by at most 0.5.
        const diff = expected - obs
        obs += Math.sign(diff) * Math.min(0.5, Math.abs(diff))
      }
      stat += (obs - expected) ** 2 / expected
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof }
}
