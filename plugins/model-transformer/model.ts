import type { Tensor, Tensor2D } from '@tensorflow/tfjs'
import type { Contribution, Dataset, LoadedModel, ModelManifest, Row } from '../../core/index.ts'
import { classifierMetrics } from '../../core/index.ts'
import type { TransformerArtifact } from './artifact.ts'
import { encodeRows } from './encode.ts'
import type { Tf } from './engine.ts'
import { encode, logitsOf, type Weights } from './forward.ts'
import { integratedGradients } from './integrated-gradients.ts'
import type { NamedWeight } from './params.ts'

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
/** Rows per forward pass: bounds memory on large batches without changing any row's score. */
const CHUNK = 256

export const EXPLANATION_METHOD =
  'integrated gradients on the event embeddings and standardised plain inputs (baseline: all-[PAD] zero embeddings, inputs at their training mean; ' +
  'trapezoid rule)'

/**
 * A loaded transformer: weights as tfjs constants on the chosen backend. `explain` gives one
 * contribution per kept event (`event[i]:CODE`, i = slot, oldest first) plus one per plain input;
 * they add up, within the IG quadrature error, to logit(score) − `baseline`.
 *
 * @example
 * const model = await createTransformerModel(tf, manifest, artifact, weights)
 * const [p] = await model.predict([{ features: { age: 80 }, sequence }])
 */
export async function createTransformerModel(tf: Tf, manifest: ModelManifest, artifact: TransformerArtifact, named: NamedWeight[]): Promise<LoadedModel> {
  const { config, vocabulary, scaler } = artifact
  const weights: Weights = Object.fromEntries(named.map((w) => [w.name, tf.tensor(w.values, w.shape, 'float32')]))
  const F = scaler.names.length
  const d = config.dim
  // The baseline: one attended slot with a zero embedding and every plain input at its mean.
  // Every all-zero sequence gives this same logit, whatever its length (all slots are identical).
  const baselineTensor = tf.tidy(() => encode(tf, weights, config, tf.zeros([1, 1, d]), tf.ones([1, 1]) as Tensor2D, tf.zeros([1, F]) as Tensor2D))
  const baseline = (await baselineTensor.data())[0]!
  baselineTensor.dispose()

  const logits = async (rows: Row[]) => {
    const out: number[] = []
    for (let i = 0; i < rows.length; i += CHUNK)
      out.push(...(await logitsOf(tf, weights, config, encodeRows(rows.slice(i, i + CHUNK), vocabulary, scaler, config), F)))
    return out
  }
  const predict = async (rows: Row[]) => (await logits(rows)).map((z) => ({ score: sigmoid(z) }))
  let disposed = false
  return {
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod: EXPLANATION_METHOD,
      additivity: 'logit',
      baseline,
    }),
    predict,
    async explain(rows) {
      const out: Contribution[][] = []
      for (const row of rows) {
        const batch = encodeRows([row], vocabulary, scaler, config)
        const [a] = await integratedGradients(tf, weights, config, batch, config.igSteps)
        const contributions: Contribution[] = []
        if (batch.offset) contributions.push({ feature: 'cls', contribution: a!.slots[0]! })
        batch.events[0]!.forEach((e, i) => contributions.push({ feature: `event[${i}]:${e.code}`, value: e.time, contribution: a!.slots[batch.offset + i]! }))
        scaler.names.forEach((name, j) => contributions.push({ feature: name, value: row.features[name] ?? null, contribution: a!.features[j]! }))
        out.push(contributions)
      }
      return out
    },
    async evaluate(dataset: Dataset) {
      const scores = (await predict(dataset.rows)).map((p) => p.score)
      return classifierMetrics(dataset.labels, scores)
    },
    dispose() {
      if (disposed) return
      disposed = true
      for (const t of Object.values(weights) as Tensor[]) t.dispose()
    },
  }
}
