/**
 * Elixhauser comorbidities from ICD-10 codes by the Quan et al. (2005) coding algorithm, with
 * the van Walraven et al. (2009) point score.
 */
import { applyHierarchy, weightedSum } from './hierarchy.ts'
import { prefixMatcher } from './prefix-match.ts'
import { ELIXHAUSER_CONDITIONS, ELIXHAUSER_ICD10_QUAN2005, type ElixhauserCondition } from './quan2005-elixhauser.ts'

/**
 * van Walraven C, Austin PC, Jennings A, Quan H, Forster AJ. A modification of the Elixhauser
 * comorbidity measures into a point system for hospital death using administrative data.
 * Med Care 2009;47(6):626-633. Hypertension and diabetes score 0 in either form (the paper
 * scores hypertension as one condition).
 *
 * @example
 * VAN_WALRAVEN_WEIGHTS.metacanc // 12
 */
export const VAN_WALRAVEN_WEIGHTS: Readonly<Record<ElixhauserCondition, number>> = {
  chf: 7,
  carit: 5,
  valv: -1,
  pcd: 4,
  pvd: 2,
  hypunc: 0,
  hypc: 0,
  para: 7,
  ond: 6,
  cpd: 3,
  diabunc: 0,
  diabc: 0,
  hypothy: 0,
  rf: 5,
  ld: 11,
  pud: 0,
  aids: 0,
  lymph: 9,
  metacanc: 12,
  solidtum: 4,
  rheumd: 0,
  coag: 3,
  obes: -4,
  wloss: 6,
  fed: 5,
  blane: -2,
  dane: -2,
  alcohol: 0,
  drug: -7,
  psycho: 0,
  depre: -3,
}

/**
 * [milder, more severe]: when both are present only the severe one counts.
 *
 * @example
 * ELIXHAUSER_HIERARCHY[2] // ['solidtum', 'metacanc']
 */
export const ELIXHAUSER_HIERARCHY: readonly (readonly [ElixhauserCondition, ElixhauserCondition])[] = [
  ['hypunc', 'hypc'],
  ['diabunc', 'diabc'],
  ['solidtum', 'metacanc'],
]

export interface ElixhauserOptions {
  /** Apply the hierarchy (default true). */
  hierarchy?: boolean
}

export interface ElixhauserResult {
  /** Conditions present, after the hierarchy. */
  flags: Record<ElixhauserCondition, boolean>
  /** Conditions whose codes were found, before the hierarchy. */
  detected: Record<ElixhauserCondition, boolean>
  /** How many of the 31 conditions `flags` marks present. */
  count: number
  /** The van Walraven score of `flags` (can be negative). */
  vanWalraven: number
  /** Codes that are not shaped like ICD-10 codes and so were ignored. */
  invalid: number
}

const matcher = prefixMatcher(ELIXHAUSER_ICD10_QUAN2005)

/**
 * Elixhauser conditions, their count and the van Walraven score for one patient's ICD-10 codes.
 *
 * @example
 * elixhauser(['I50.9', 'I48.91', 'E66.9'])
 * // flags.chf, flags.carit, flags.obes; count 3; vanWalraven 7 + 5 - 4 = 8
 */
export function elixhauser(codes: Iterable<string>, options: ElixhauserOptions = {}): ElixhauserResult {
  const { found, invalid } = matcher.match(codes)
  const detected = applyHierarchy(ELIXHAUSER_CONDITIONS, found, ELIXHAUSER_HIERARCHY, false)
  const flags = applyHierarchy(ELIXHAUSER_CONDITIONS, found, ELIXHAUSER_HIERARCHY, options.hierarchy ?? true)
  const count = ELIXHAUSER_CONDITIONS.filter((c) => flags[c]).length
  return { flags, detected, count, vanWalraven: weightedSum(flags, VAN_WALRAVEN_WEIGHTS), invalid }
}
