import type { Contribution, Dataset, LoadedModel, ModelManifest, Row } from '../../core/index.ts'
import { classifierMetrics } from '../../core/index.ts'
import type { LinearArtifact } from './artifact.ts'
import { sigmoid } from './newton.ts'
import { encodeRows } from './standardise.ts'

/** Standardised design rows: z = (x - mean) / scale, with missing optional values at zero. */
function zRows(artifact: LinearArtifact, rows: Row[]): Float64Array[] {
  return encodeRows(rows, artifact.columns, artifact.mean).map((x) => x.map((v, j) => (v - artifact.mean[j]!) / artifact.scale[j]!))
}

const logit = (a: LinearArtifact, z: Float64Array) => z.reduce((t, v, j) => t + a.coef[j]! * v, a.intercept)

/**
 * A fitted logistic regression. Its explanation is exact: each feature contributes
 * coefficient × standardised value (summed over a category's one-hot columns), so the
 * contributions add up to the logit minus the intercept, the logit of an all-average patient.
 */
export function createLinearModel(manifest: ModelManifest, artifact: LinearArtifact): LoadedModel {
  const predict = async (rows: Row[]) => zRows(artifact, rows).map((z) => ({ score: sigmoid(logit(artifact, z)) }))
  return {
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod: 'coefficient × standardised value (exact; baseline = intercept, the all-average patient)',
      additivity: 'logit',
      baseline: artifact.intercept,
    }),
    predict,
    async explain(rows) {
      return zRows(artifact, rows).map((z, i) => {
        const byFeature = new Map<string, number>()
        artifact.columns.forEach((col, j) => byFeature.set(col.feature, (byFeature.get(col.feature) ?? 0) + artifact.coef[j]! * z[j]!))
        return [...byFeature].map(([feature, contribution]): Contribution => ({ feature, value: rows[i]!.features[feature] ?? null, contribution }))
      })
    },
    async evaluate(dataset: Dataset) {
      const scores = (await predict(dataset.rows)).map((p) => p.score)
      return classifierMetrics(dataset.labels, scores)
    },
  }
}
