import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs'
import type { TransformerConfig } from './config.ts'
import type { EncodedBatch } from './encode.ts'
import type { Tf } from './engine.ts'

/** The network's weights by name (variables while training, constants once loaded). */
export type Weights = Record<string, Tensor>

/** Training-time dropout; identity at inference. Seeds come from the caller's seeded stream. */
export type Dropout = (x: Tensor, rate: number) => Tensor

const identity: Dropout = (x) => x

/** `[B·L]` ids as float one-hots times the table: a gather whose gradient every backend has (wasm lacks the scatter gather's gradient needs). */
function lookup(tf: Tf, ids: Int32Array, table: Tensor): Tensor2D {
  const depth = table.shape[0]!
  return tf.matMul(tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), depth), 'float32'), table as Tensor2D)
}

/**
 * Event embeddings `[B, L, d]` = code + time-delta bucket + segment + learned position, zeroed
 * where a slot carries no event. These are the inputs integrated gradients attributes to.
 *
 * @example
 * const x = embed(tf, weights, encodeRows(rows, vocabulary, scaler, config))
 */
export function embed(tf: Tf, w: Weights, batch: EncodedBatch): Tensor3D {
  const d = w['embedding/code']!.shape[1]!
  const { size: B, length: L } = batch
  const sum = tf.addN([
    lookup(tf, batch.codes, w['embedding/code']!),
    lookup(tf, batch.times, w['embedding/time']!),
    lookup(tf, batch.segments, w['embedding/segment']!),
  ])
  const positions = tf.slice(w['embedding/position']!, [0, 0], [L, d])
  const x = tf.add(tf.reshape(sum, [B, L, d]), positions)
  return tf.mul(x, tf.tensor3d(batch.present, [B, L, 1])) as Tensor3D
}

/**
 * Layer-norm ε, larger than the usual 1e-5 on purpose: LayerNorm(α·x) changes steeply only for
 * α ≲ √ε/σ(x), and integrated gradients starts at α = 0, so a wider ε makes the path smooth
 * enough for a modest number of IG steps to satisfy completeness.
 */
export const LN_EPSILON = 1e-2

function layerNorm(tf: Tf, x: Tensor, gamma: Tensor, beta: Tensor): Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LN_EPSILON))), gamma), beta)
}

/** `[B, L, in] · [in, out] + bias`, via a 2-D matMul (no reliance on batch broadcasting). */
function dense(tf: Tf, x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  const [B, L, n] = x.shape as [number, number, number]
  const out = kernel.shape[1]!
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * L, n]) as Tensor2D, kernel as Tensor2D), bias), [B, L, out])
}

/**
 * The encoder and head from embeddings to logits `[B]`: pre-layer-norm self-attention blocks
 * whose keys are masked on padding (−1e9 before the softmax, so padding gets exactly zero
 * weight), mean pooling over non-padding slots or the CLS slot, and a linear head over the
 * pooled state and the standardised plain inputs.
 *
 * @example
 * const logits = encode(tf, weights, config, embed(tf, weights, batch), mask, features)
 */
export function encode(tf: Tf, w: Weights, config: TransformerConfig, x: Tensor, mask: Tensor2D, features: Tensor2D, dropout: Dropout = identity): Tensor1D {
  const [B, L, d] = x.shape as [number, number, number]
  const H = config.heads
  const dh = d / H
  const heads = (t: Tensor) => tf.transpose(tf.reshape(t, [B, L, H, dh]), [0, 2, 1, 3])
  const keyBias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [B, 1, 1, L])
  let h = dropout(x, config.dropout)
  for (let l = 0; l < config.layers; l++) {
    const p = (name: string) => w[`layer${l}/${name}`]!
    const a = layerNorm(tf, h, p('ln1/gamma'), p('ln1/beta'))
    const [q, k, v] = (['q', 'k', 'v'] as const).map((n) => heads(dense(tf, a, p(`${n}/kernel`), p(`${n}/bias`))))
    const scores = tf.add(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh)), keyBias)
    const attention = dropout(tf.softmax(scores), config.dropout)
    const context = tf.reshape(tf.transpose(tf.matMul(attention, v!), [0, 2, 1, 3]), [B, L, d])
    h = tf.add(h, dropout(dense(tf, context, p('o/kernel'), p('o/bias')), config.dropout))
    const f = layerNorm(tf, h, p('ln2/gamma'), p('ln2/beta'))
    const ff = dense(tf, tf.relu(dense(tf, f, p('ff1/kernel'), p('ff1/bias'))), p('ff2/kernel'), p('ff2/bias'))
    h = tf.add(h, dropout(ff, config.dropout))
  }
  h = layerNorm(tf, h, w['final/gamma']!, w['final/beta']!)
  const pooled =
    config.pooling === 'cls'
      ? tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, d]), [B, d])
      : tf.div(tf.sum(tf.mul(h, tf.reshape(mask, [B, L, 1])), 1), tf.reshape(tf.sum(mask, 1), [B, 1]))
  const joined = tf.concat([pooled as Tensor2D, features], 1)
  return tf.reshape(tf.add(tf.matMul(joined, w['head/kernel'] as Tensor2D), w['head/bias']!), [B])
}

/** Mask and features of an encoded batch as tensors. */
export function batchTensors(tf: Tf, batch: EncodedBatch, featureCount: number): { mask: Tensor2D; features: Tensor2D } {
  return { mask: tf.tensor2d(batch.mask, [batch.size, batch.length]), features: tf.tensor2d(batch.features, [batch.size, featureCount]) }
}

/**
 * Logits for an encoded batch, computed in float32 and returned as numbers.
 * @example
 * const logits = await logitsOf(tf, weights, config, batch, 1)
 */
export async function logitsOf(tf: Tf, w: Weights, config: TransformerConfig, batch: EncodedBatch, featureCount: number): Promise<number[]> {
  const out = tf.tidy(() => {
    const { mask, features } = batchTensors(tf, batch, featureCount)
    return encode(tf, w, config, embed(tf, w, batch), mask, features)
  })
  const values = Array.from(await out.data())
  out.dispose()
  return values
}
