import type { Layout } from './encode.ts'
import type { OnnxMapping } from './mapping.ts'
import { shapleyPlan } from './shapley.ts'

/** The `explanationMethod` text: what is computed, on which scale, against which baseline, at what cost. */
export function explainMethod(mapping: OnnxMapping, features: number): string {
  const o = mapping.explanation
  const scale = mapping.link === 'identity' ? 'the model output' : 'the logit'
  const how =
    features <= o.maxExactFeatures
      ? `exact over all 2^${features} feature coalitions`
      : `estimated from ${o.permutations} seeded permutations (antithetic pairs, seed ${o.seed})`
  return (
    `baseline Shapley values on ${scale}, ${how}; a category's one-hot columns move together; ` +
    'baseline = onnx.baseline in the manifest; contributions add up to output(row) − output(baseline)'
  )
}

/**
 * Baseline Shapley values for encoded rows: each coalition's input takes a feature's columns from
 * the row when the feature is in the coalition, else from the baseline. All rows' coalitions go to
 * the model in one batch. `value` maps encoded rows to outputs on the additive scale.
 */
export async function explainRows(
  rows: Float64Array[],
  baseline: Float64Array,
  layout: Layout,
  options: OnnxMapping['explanation'],
  value: (encoded: Float64Array[]) => Promise<number[]>,
): Promise<number[][]> {
  if (rows.length === 0) return []
  const plan = shapleyPlan(layout.features.length, options)
  const hybrids = rows.flatMap((x) => plan.coalitions.map((member) => baseline.map((b, j) => (member[layout.featureOf[j]!] ? x[j]! : b))))
  const values = await value(hybrids)
  const per = plan.coalitions.length
  return rows.map((_, i) => plan.combine(values.slice(i * per, (i + 1) * per)))
}
