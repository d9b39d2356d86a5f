import type { Encoded } from './fields.ts'

export interface Dense {
  /** Row-major [inputs, units], as tfjs stores a kernel. */
  kernel: Float32Array
  bias: Float32Array
  inputs: number
  units: number
}

/** The trained parameters, as plain typed arrays (prediction needs no tensor engine). */
export interface DeepfmWeights {
  k: number
  slots: number
  /** The one embedding table [slots, k] shared by the FM and the DNN. */
  embedding: Float32Array
  /** First-order FM weights, one per slot. */
  linear: Float32Array
  bias: number
  /** ReLU layers, then a linear unit. */
  hidden: Dense[]
  output: Dense
}

/** Field embeddings e_f = V[slot_f] · value_f, concatenated: the DNN input, length fields × k. */
export function embed(w: DeepfmWeights, x: Encoded): Float64Array {
  const { k } = w
  const e = new Float64Array(x.index.length * k)
  for (let f = 0; f < x.index.length; f++) {
    const base = x.index[f]! * k
    const v = x.value[f]!
    for (let d = 0; d < k; d++) e[f * k + d] = w.embedding[base + d]! * v
  }
  return e
}

export function firstOrder(w: DeepfmWeights, x: Encoded): number {
  let s = 0
  for (let f = 0; f < x.index.length; f++) s += w.linear[x.index[f]!]! * x.value[f]!
  return s
}

/**
 * Σ_{f<g} ⟨e_f, e_g⟩ in O(k·n) with the FM identity ½ Σ_d [(Σ_f e_fd)² − Σ_f e_fd²].
 * @example
 * fmInteractions(Float64Array.of(1, 2, 3, 4), 2, 2) // ⟨(1,2),(3,4)⟩ = 11
 */
export function fmInteractions(e: Float64Array, fields: number, k: number): number {
  let total = 0
  for (let d = 0; d < k; d++) {
    let sum = 0
    let squares = 0
    for (let f = 0; f < fields; f++) {
      const v = e[f * k + d]!
      sum += v
      squares += v * v
    }
    total += sum * sum - squares
  }
  return total / 2
}

/** One dense layer: out = in · kernel + bias (ReLU when `relu`). */
export function dense(layer: Dense, input: Float64Array, relu: boolean): Float64Array {
  const out = Float64Array.from(layer.bias)
  for (let i = 0; i < layer.inputs; i++) {
    const xi = input[i]!
    if (xi === 0) continue
    const row = i * layer.units
    for (let j = 0; j < layer.units; j++) out[j]! += xi * layer.kernel[row + j]!
  }
  if (relu) for (let j = 0; j < out.length; j++) if (out[j]! < 0) out[j] = 0
  return out
}

/** The DNN component y_DNN on a concatenated-embedding input. */
export function dnn(w: DeepfmWeights, e: Float64Array): number {
  let h = e
  for (const layer of w.hidden) h = dense(layer, h, true)
  return dense(w.output, h, false)[0]!
}

/** The logit y_FM + y_DNN (plus the global bias); the score is its sigmoid. */
export function logitOf(w: DeepfmWeights, x: Encoded): number {
  const e = embed(w, x)
  return w.bias + firstOrder(w, x) + fmInteractions(e, x.index.length, w.k) + dnn(w, e)
}

export const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)))
