import { seededRandom, type Random } from '../../core/index.ts'
import type { Tensor, Variable } from '@tensorflow/tfjs'
import type { Encoded } from './fields.ts'
import type { DeepfmWeights } from './forward.ts'
import type { ResolvedOptions } from './options.ts'
import type { Engine } from './engine.ts'

export interface FitResult {
  weights: DeepfmWeights
  epochsRun: number
  bestEpoch: number
  bestValidationLoss: number | null
}

function shuffle(ids: number[], random: Random): number[] {
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1))
    ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
  }
  return ids
}

const normal = (random: Random) => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next())

/** Seeded initial weights, drawn in JS so tfjs's own RNG never decides anything. */
function initialWeights(fields: number, slots: number, o: ResolvedOptions, prevalence: number, random: Random): Record<string, [number[], Float32Array]> {
  const k = o.embeddingSize
  const glorot = (inputs: number, units: number) => {
    const limit = Math.sqrt(6 / (inputs + units))
    return Float32Array.from({ length: inputs * units }, () => (2 * random.next() - 1) * limit)
  }
  const out: Record<string, [number[], Float32Array]> = {
    embedding: [[slots, k], Float32Array.from({ length: slots * k }, () => 0.05 * normal(random))],
    linear: [[slots, 1], new Float32Array(slots)],
    // Start at the training prevalence so early epochs fit structure, not the base rate.
    bias: [[1], Float32Array.of(Math.log(prevalence / (1 - prevalence)))],
  }
  let inputs = fields * k
  o.hiddenLayers.forEach((units, i) => {
    out[`dense_${i}/kernel`] = [[inputs, units], glorot(inputs, units)]
    out[`dense_${i}/bias`] = [[units], new Float32Array(units)]
    inputs = units
  })
  out['output/kernel'] = [[inputs, 1], glorot(inputs, 1)]
  out['output/bias'] = [[1], new Float32Array(1)]
  return out
}

/**
 * Train DeepFM with a hand-written Adam loop on tfjs. Everything random (initial weights, the
 * validation split, each epoch's shuffle, dropout masks) comes from `seededRandom(seed)` in JS
 * and enters as plain tensors, and sparse lookups are one-hot matmuls (no scatter-add in the
 * gradient), so the same seed on the same backend gives bit-identical weights.
 */
export async function fitDeepfm(
  engine: Engine,
  data: Encoded[],
  labels: number[],
  slots: number,
  o: ResolvedOptions,
  onEpoch?: (epoch: number, loss: number) => void,
): Promise<FitResult> {
  const { tf } = engine
  const random = seededRandom(o.seed)
  const fields = data[0]!.index.length
  const k = o.embeddingSize
  const order = shuffle(
    data.map((_, i) => i),
    random,
  )
  const nVal = o.validationSplit > 0 ? Math.max(1, Math.floor(data.length * o.validationSplit)) : 0
  const valIds = order.slice(0, nVal)
  const trainIds = order.slice(nVal)
  const prevalence = Math.min(0.99, Math.max(0.01, trainIds.reduce((s, i) => s + labels[i]!, 0) / trainIds.length))
  const init = initialWeights(fields, slots, o, prevalence, random)
  const vars: Record<string, Variable> = Object.fromEntries(
    Object.entries(init).map(([name, [shape, values]]) => {
      // The variable keeps its own reference to the data; dispose the initial tensor so nothing leaks.
      const initial = tf.tensor(values, shape)
      const variable = tf.variable(initial, true)
      initial.dispose()
      return [name, variable]
    }),
  )
  const optimizer = tf.train.adam(o.learningRate)

  /** The sparse design as a [B·F, slots] matrix: one non-zero (the field's value) per row. */
  const design = (ids: number[]) => {
    const x = new Float32Array(ids.length * fields * slots)
    ids.forEach((id, b) => {
      const row = data[id]!
      for (let f = 0; f < fields; f++) x[(b * fields + f) * slots + row.index[f]!] = row.value[f]!
    })
    return tf.tensor2d(x, [ids.length * fields, slots])
  }
  const logits = (x: Tensor, batch: number, masks: Tensor[] | null) => {
    const emb = tf.matMul(x as never, vars.embedding!).reshape([batch, fields, k])
    const first = tf
      .matMul(x as never, vars.linear!)
      .reshape([batch, fields])
      .sum(1)
    const fm = tf
      .sub(tf.square(emb.sum(1)), tf.square(emb).sum(1))
      .sum(1)
      .mul(0.5)
    let h = emb.reshape([batch, fields * k])
    o.hiddenLayers.forEach((_, i) => {
      h = tf.relu(tf.matMul(h as never, vars[`dense_${i}/kernel`]!).add(vars[`dense_${i}/bias`]!))
      if (masks) h = h.mul(masks[i]!)
    })
    const deep = tf
      .matMul(h as never, vars['output/kernel']!)
      .reshape([batch])
      .add(vars['output/bias']!)
    return first.add(fm).add(deep).add(vars.bias!)
  }
  /** Weighted binary cross-entropy on logits, in the overflow-free form max(t,0) − t·y + log(1 + e^−|t|). */
  const lossOf = (t: Tensor, y: Tensor, w: Tensor) => {
    const l = tf
      .relu(t)
      .sub(t.mul(y))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(t)))))
    return l.mul(w).sum().div(w.sum())
  }
  const classWeight = (id: number) => (labels[id] === 1 ? o.classWeights.positive : o.classWeights.negative)
  const snapshot = () => Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, v.dataSync().slice() as Float32Array]))

  let best = { loss: Infinity, epoch: 0, weights: snapshot() }
  let epochsRun = 0
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      epochsRun = epoch
      shuffle(trainIds, random)
      let total = 0
      for (let start = 0; start < trainIds.length; start += o.batchSize) {
        const ids = trainIds.slice(start, start + o.batchSize)
        const B = ids.length
        // Dropout masks from the seeded stream (inverted dropout: kept units scaled by 1/(1−p)).
        const keep = 1 / (1 - o.dropout)
        const maskValues = o.hiddenLayers.map((units) =>
          Float32Array.from({ length: B * units }, () => (o.dropout > 0 && random.next() < o.dropout ? 0 : o.dropout > 0 ? keep : 1)),
        )
        const loss = tf.tidy(() => {
          const x = design(ids)
          const y = tf.tensor1d(ids.map((i) => labels[i]!))
          const w = tf.tensor1d(ids.map(classWeight))
          const masks = maskValues.map((m, i) => tf.tensor2d(m, [B, o.hiddenLayers[i]!]))
          return optimizer.minimize(() => {
            const data = lossOf(logits(x, B, masks), y, w)
            const penalty = [vars.embedding!, ...o.hiddenLayers.map((_, i) => vars[`dense_${i}/kernel`]!)].reduce(
              (s: Tensor, v) => s.add(tf.square(v).sum()),
              tf.scalar(0),
            )
            return data.add(penalty.mul(o.l2)) as never
          }, true)!
        })
        total += (await loss.data())[0]! * B
        loss.dispose()
      }
      const trainLoss = total / trainIds.length
      onEpoch?.(epoch, trainLoss)
      if (nVal === 0) continue
      const valLoss = tf.tidy(
        () => lossOf(logits(design(valIds), nVal, null), tf.tensor1d(valIds.map((i) => labels[i]!)), tf.tensor1d(valIds.map(classWeight))).dataSync()[0]!,
      )
      if (valLoss < best.loss - 1e-6) best = { loss: valLoss, epoch, weights: snapshot() }
      else if (epoch - best.epoch >= o.patience) break
    }
    const final = nVal === 0 ? snapshot() : best.weights
    let inputs = fields * k
    const hidden = o.hiddenLayers.map((units, i) => {
      const layer = { kernel: final[`dense_${i}/kernel`]!, bias: final[`dense_${i}/bias`]!, inputs, units }
      inputs = units
      return layer
    })
    return {
      weights: {
        k,
        slots,
        embedding: final.embedding!,
        linear: final.linear!,
        bias: final.bias![0]!,
        hidden,
        output: { kernel: final['output/kernel']!, bias: final['output/bias']!, inputs, units: 1 },
      },
      epochsRun,
      bestEpoch: nVal === 0 ? epochsRun : best.epoch,
      bestValidationLoss: nVal === 0 ? null : best.loss,
    }
  } finally {
    optimizer.dispose()
    for (const v of Object.values(vars)) v.dispose()
  }
}
