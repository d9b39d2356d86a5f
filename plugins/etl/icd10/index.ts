/**
 * ICD-10-CM encoding and comorbidity indices, in plain TypeScript with no dependencies and no
 * file access (the CDC tables are compiled in), so it runs in Node, browsers and Workers.
 * See docs/icd10.md.
 *
 * @example
 * import { normalizeIcd10, rollup, multiHot, icd10Vocabulary, charlson, elixhauser } from './icd10/index.ts'
 * rollup('E11.9')?.section            // 'E08-E13'
 * charlson(['I21.4', 'C78.00']).index // 7
 */
export { normalizeIcd10, parseIcd10, icd10Syntax, type Icd10Code, type Icd10Parsed, type Icd10Problem } from './normalize.ts'
export { rollup, type Icd10Rollup } from './rollup.ts'
export { multiHot, icd10Vocabulary, icd10Key, type Icd10Level, type MultiHot } from './multi-hot.ts'
export { charlson, CHARLSON_WEIGHTS, CHARLSON_HIERARCHY, type CharlsonOptions, type CharlsonResult, type CharlsonWeights } from './charlson.ts'
export { elixhauser, VAN_WALRAVEN_WEIGHTS, ELIXHAUSER_HIERARCHY, type ElixhauserOptions, type ElixhauserResult } from './elixhauser.ts'
export { CHARLSON_CONDITIONS, CHARLSON_LABELS, CHARLSON_ICD10_QUAN2005, type CharlsonCondition } from './quan2005-charlson.ts'
export { ELIXHAUSER_CONDITIONS, ELIXHAUSER_LABELS, ELIXHAUSER_ICD10_QUAN2005, type ElixhauserCondition } from './quan2005-elixhauser.ts'
export { ICD10CM_RELEASE } from './tables/icd10cm-2026.ts'
