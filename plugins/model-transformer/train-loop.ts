import type { Tensor, Variable } from '@tensorflow/tfjs'
import { seededRandom, type Row, type TrainProgress } from '../../core/index.ts'
import type { TransformerConfig } from './config.ts'
import { encodeRows, type FeatureScaler } from './encode.ts'
import type { Tf } from './engine.ts'
import { batchTensors, embed, encode, type Dropout } from './forward.ts'
import type { NamedWeight } from './params.ts'

export interface FitInput {
  rows: Row[]
  labels: number[]
  vocabulary: string[]
  scaler: FeatureScaler
  config: TransformerConfig
  initial: NamedWeight[]
  seed: number
  onProgress?: (p: TrainProgress) => void
}

let runs = 0

/** In-place Fisher–Yates shuffle driven by the seeded stream. */
function shuffle(order: number[], next: () => number) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
}

/**
 * Mini-batch Adam on the binary cross-entropy of the logits. Everything random comes from one
 * seeded stream: the shuffling and each dropout mask's seed, so the same seed and data give
 * bit-identical weights on the same backend.
 *
 * @example
 * const weights = await fitTransformer(tf, { rows, labels, vocabulary, scaler, config, initial, seed: 7 })
 */
export async function fitTransformer(tf: Tf, input: FitInput): Promise<{ weights: NamedWeight[]; loss: number }> {
  const { rows, labels, vocabulary, scaler, config } = input
  const random = seededRandom(input.seed ^ 0x5eed)
  const variables: Record<string, Variable> = {}
  // tfjs variable names are global to the engine; a run counter keeps concurrent trainings apart.
  const run = ++runs
  for (const w of input.initial) variables[w.name] = tf.variable(tf.tensor(w.values, w.shape, 'float32'), true, `transformer${run}/${w.name}`)
  const optimizer = tf.train.adam(config.learningRate)
  const dropout: Dropout = (x, rate) => (rate > 0 ? tf.dropout(x, rate, undefined, Math.floor(random.next() * 2 ** 31)) : x)
  const order = rows.map((_, i) => i)
  let loss = Number.NaN
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffle(order, () => random.next())
      let total = 0
      for (let start = 0; start < order.length; start += config.batchSize) {
        const ids = order.slice(start, start + config.batchSize)
        const batch = encodeRows(
          ids.map((i) => rows[i]!),
          vocabulary,
          scaler,
          config,
        )
        const y = ids.map((i) => labels[i]!)
        const value = optimizer.minimize(
          () => {
            const { mask, features } = batchTensors(tf, batch, scaler.names.length)
            const z = encode(tf, variables, config, embed(tf, variables, batch), mask, features, dropout)
            // Stable BCE with logits: max(z, 0) − z·y + log(1 + e^−|z|).
            const t = tf.tensor1d(y, 'float32')
            return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, t)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))))
          },
          true,
          Object.values(variables),
        )
        total += (await value!.data())[0]! * ids.length
        value!.dispose()
      }
      loss = total / rows.length
      input.onProgress?.({ epoch, epochs: config.epochs, loss })
    }
    const weights = await Promise.all(
      input.initial.map(async ({ name, shape }) => ({ name, shape, values: new Float32Array(await (variables[name] as Tensor).data()) })),
    )
    return { weights, loss }
  } finally {
    optimizer.dispose()
    for (const v of Object.values(variables)) v.dispose()
  }
}
