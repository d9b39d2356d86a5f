import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs'
import type { TransformerConfig } from './config.ts'
import type { EncodedBatch } from './encode.ts'
import type { Tf } from './engine.ts'
import { embed, encode, type Weights } from './forward.ts'

/** Per-slot and per-plain-input attributions of one row, and the logits at both path ends. */
export interface RowAttribution {
  slots: number[]
  features: number[]
  logit: number
  baselineLogit: number
}

/** How sharply the grid crowds toward the baseline (α = (k/steps)^POWER). */
export const GRID_POWER = 3

/**
 * The path points α₀ = 0 < … < α_steps = 1, crowded near 0. Why: the first pre-norm layer norm
 * sees the scaled embeddings α·x, and LayerNorm(α·x) is nearly independent of α except within
 * α ≲ √ε/‖x‖ of the zero baseline, where the gradient is steep; a uniform grid under-samples that
 * region and breaks completeness.
 * @example
 * pathGrid(4) // [0, 0.015625, 0.125, 0.421875, 1]
 */
export function pathGrid(steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => (k / steps) ** GRID_POWER)
}

/**
 * Integrated gradients of the logit on the straight path from the baseline (every slot's
 * embedding zero — the all-[PAD] sequence — and every standardised plain input zero, i.e. at
 * its training mean) to the row, with the trapezoid rule over `steps` intervals of {@link pathGrid}. The padding
 * mask stays the row's own along the path. With mean pooling (or CLS attributed as a slot)
 * the baseline network output is the same for every row, so Σ attributions ≈ logit − baseline
 * (completeness), up to the quadrature error, which shrinks as `steps` grows.
 *
 * @example
 * const [first] = await integratedGradients(tf, weights, config, encodeRows([row], vocabulary, scaler, config), 64)
 */
export async function integratedGradients(tf: Tf, w: Weights, config: TransformerConfig, batch: EncodedBatch, steps: number): Promise<RowAttribution[]> {
  const F = batch.features.length / batch.size
  const out: RowAttribution[] = []
  const grid = pathGrid(steps)
  // Trapezoid weights on the non-uniform grid: each point gets half of the intervals either side.
  const weights = grid.map((_, k) => ((grid[k + 1] ?? grid[k]!) - (grid[k - 1] ?? grid[k]!)) / 2)
  const x = embed(tf, w, batch)
  try {
    for (let r = 0; r < batch.size; r++) {
      const [L, d] = [batch.length, x.shape[2]]
      const result = tf.tidy(() => {
        const row = tf.slice(x, [r, 0, 0], [1, L, d])
        const feats = tf.tensor2d(batch.features.slice(r * F, (r + 1) * F), [1, F])
        const mask = tf.tile(tf.tensor2d(batch.mask.slice(r * L, (r + 1) * L), [1, L]), [steps + 1, 1]) as Tensor2D
        const alphas = tf.tensor1d(grid)
        const xs = tf.mul(row, tf.reshape(alphas, [steps + 1, 1, 1])) as Tensor3D
        const fs = tf.mul(feats, tf.reshape(alphas, [steps + 1, 1])) as Tensor2D
        const f = (a: Tensor, b: Tensor) => encode(tf, w, config, a, mask, b as Tensor2D).sum()
        const [gx, gf] = tf.grads(f)([xs, fs]) as [Tensor, Tensor]
        const wt = tf.tensor1d(weights)
        const avgX = tf.sum(tf.mul(gx, tf.reshape(wt, [steps + 1, 1, 1])), 0)
        const avgF = tf.sum(tf.mul(gf, tf.reshape(wt, [steps + 1, 1])), 0)
        const slots = tf.sum(tf.mul(avgX, tf.reshape(row, [L, d])), 1)
        const features = tf.mul(avgF, tf.reshape(feats, [F]))
        const ends = encode(
          tf,
          w,
          config,
          tf.concat([tf.zerosLike(row), row], 0),
          tf.slice(mask, [0, 0], [2, L]) as Tensor2D,
          tf.concat([tf.zerosLike(feats), feats], 0) as Tensor2D,
        )
        return [slots, features, ends]
      })
      const [slots, features, ends] = await Promise.all(result.map((t) => t.data()))
      result.forEach((t) => t.dispose())
      out.push({ slots: Array.from(slots!), features: Array.from(features!), baselineLogit: ends![0]!, logit: ends![1]! })
    }
  } finally {
    x.dispose()
  }
  return out
}
