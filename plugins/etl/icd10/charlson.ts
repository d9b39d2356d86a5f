/**
 * The Charlson comorbidity index from ICD-10 codes: conditions by the Quan et al. (2005) coding
 * algorithm, weighted by Charlson et al. (1987) or, optionally, Quan et al. (2011).
 */
import { applyHierarchy, weightedSum } from './hierarchy.ts'
import { prefixMatcher } from './prefix-match.ts'
import { CHARLSON_CONDITIONS, CHARLSON_ICD10_QUAN2005, type CharlsonCondition } from './quan2005-charlson.ts'

export type CharlsonWeights = 'charlson' | 'quan2011'

/**
 * Weights per condition.
 *
 * - `charlson`: Charlson ME, Pompei P, Ales KL, MacKenzie CR. A new method of classifying
 *   prognostic comorbidity in longitudinal studies: development and validation. J Chronic Dis
 *   1987;40(5):373-383.
 * - `quan2011`: Quan H, Li B, Couris CM, et al. Updating and validating the Charlson comorbidity
 *   index and score for risk adjustment in hospital discharge abstracts using data from 6
 *   countries. Am J Epidemiol 2011;173(6):676-682. (AIDS/HIV is 4: some packages shipped 2,
 *   corrected in R `comorbidity` by pull request #44; with the hierarchy the maximum is 24.)
 *
 * @example
 * CHARLSON_WEIGHTS.quan2011.msld // 4
 */
export const CHARLSON_WEIGHTS: Readonly<Record<CharlsonWeights, Readonly<Record<CharlsonCondition, number>>>> = {
  charlson: {
    ami: 1,
    chf: 1,
    pvd: 1,
    cevd: 1,
    dementia: 1,
    copd: 1,
    rheumd: 1,
    pud: 1,
    mld: 1,
    diab: 1,
    diabwc: 2,
    hp: 2,
    rend: 2,
    canc: 2,
    msld: 3,
    metacanc: 6,
    aids: 6,
  },
  quan2011: {
    ami: 0,
    chf: 2,
    pvd: 0,
    cevd: 0,
    dementia: 2,
    copd: 1,
    rheumd: 1,
    pud: 0,
    mld: 2,
    diab: 0,
    diabwc: 1,
    hp: 2,
    rend: 1,
    canc: 2,
    msld: 4,
    metacanc: 6,
    aids: 4,
  },
}

/**
 * [milder, more severe]: when both are present only the severe one counts.
 *
 * @example
 * CHARLSON_HIERARCHY[0] // ['mld', 'msld']
 */
export const CHARLSON_HIERARCHY: readonly (readonly [CharlsonCondition, CharlsonCondition])[] = [
  ['mld', 'msld'],
  ['diab', 'diabwc'],
  ['canc', 'metacanc'],
]

export interface CharlsonOptions {
  /** Default `charlson` (1987). */
  weights?: CharlsonWeights
  /** Apply the hierarchy (default true). Turning it off scores both forms of a disease. */
  hierarchy?: boolean
}

export interface CharlsonResult {
  /** Conditions present, after the hierarchy: these are what the index sums. */
  flags: Record<CharlsonCondition, boolean>
  /** Conditions whose codes were found, before the hierarchy. */
  detected: Record<CharlsonCondition, boolean>
  /** The weighted sum of `flags`. */
  index: number
  /** Codes that are not shaped like ICD-10 codes and so were ignored. */
  invalid: number
}

const matcher = prefixMatcher(CHARLSON_ICD10_QUAN2005)

/**
 * Charlson conditions and index for one patient's ICD-10 codes (dotted or not, any case; WHO
 * ICD-10 codes score too). Codes are matched by prefix, so `E11.65` is diabetes (E11.6).
 *
 * @example
 * charlson(['I21.4', 'E11.9', 'E11.22']).index // 3: MI 1 + diabetes with complications 2
 * charlson(['I50.9', 'F03.90'], { weights: 'quan2011' }).index // 4: CHF 2 + dementia 2
 */
export function charlson(codes: Iterable<string>, options: CharlsonOptions = {}): CharlsonResult {
  const weights = CHARLSON_WEIGHTS[options.weights ?? 'charlson']
  if (!weights) throw new RangeError(`charlson: unknown weights ${JSON.stringify(options.weights)}`)
  const { found, invalid } = matcher.match(codes)
  const detected = applyHierarchy(CHARLSON_CONDITIONS, found, CHARLSON_HIERARCHY, false)
  const flags = applyHierarchy(CHARLSON_CONDITIONS, found, CHARLSON_HIERARCHY, options.hierarchy ?? true)
  return { flags, detected, index: weightedSum(flags, weights), invalid }
}
