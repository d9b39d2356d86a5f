import type { Contribution, Dataset, LoadedModel, ModelManifest, Row } from '../../core/index.ts'
import { classifierMetrics } from '../../core/index.ts'
import { explainEncoded } from './explain.ts'
import { baselineRow, encodeRow, type Preprocess } from './fields.ts'
import { logitOf, sigmoid, type DeepfmWeights } from './forward.ts'

export const EXPLANATION_METHOD =
  'exact DeepFM decomposition: first-order + pairwise FM interactions split half/half + exact (piecewise-linear) integrated gradients of the DNN; ' +
  'baseline = all numbers at their training mean, sparse fields at their mode'

/**
 * A loaded DeepFM. Prediction and explanation run on plain JS (float64) math from the float32
 * weights: for one row that is a few thousand multiply-adds, far cheaper than building tensors,
 * and it needs no tensor engine at serving time. Results are bitwise identical for a row alone
 * or in a batch, because each row is computed independently.
 */
export function createDeepfmModel(manifest: ModelManifest, pre: Preprocess, weights: DeepfmWeights): LoadedModel {
  const baseline = baselineRow(pre)
  const baselineLogit = logitOf(weights, baseline)
  const predict = async (rows: Row[]) => rows.map((row) => ({ score: sigmoid(logitOf(weights, encodeRow(pre, row))) }))
  return {
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod: EXPLANATION_METHOD,
      additivity: 'logit',
      baseline: baselineLogit,
    }),
    predict,
    async explain(rows) {
      return rows.map((row) => {
        const parts = explainEncoded(weights, encodeRow(pre, row), baseline)
        return pre.fields.map((f, i): Contribution => ({ feature: f.name, value: row.features[f.name] ?? null, contribution: parts[i]! }))
      })
    },
    async evaluate(dataset: Dataset) {
      const scores = (await predict(dataset.rows)).map((p) => p.score)
      return classifierMetrics(dataset.labels, scores)
    },
  }
}
