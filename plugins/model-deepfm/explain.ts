import type { Encoded } from './fields.ts'
import { embed, type DeepfmWeights } from './forward.ts'

/**
 * Exact integrated gradients of the ReLU DNN from embedding `e0` to `e`. Along the straight
 * path the network is piecewise linear in α, so instead of a Riemann sum we walk the segments
 * between ReLU switching points (found in closed form) and integrate each exactly: the
 * attributions sum to dnn(e) − dnn(e0) up to float rounding, not up to a step-count error.
 * Returns one attribution per embedding coordinate.
 */
export function exactIntegratedGradients(w: DeepfmWeights, e0: Float64Array, e: Float64Array): Float64Array {
  const delta = e.map((v, i) => v - e0[i]!)
  const attribution = new Float64Array(e.length)
  let a = 0
  // Each ReLU unit switches at most once per layer-pattern; the cap only guards float pathologies.
  for (let segments = 0; a < 1 && segments < 100_000; segments++) {
    // Pre-activations are p + α·q within the segment; propagate both through the current pattern.
    let p: Float64Array = e0
    let q: Float64Array = delta
    let next = 1
    const masks: Uint8Array[] = []
    for (const layer of w.hidden) {
      const zp = Float64Array.from(layer.bias)
      const zq = new Float64Array(layer.units)
      for (let i = 0; i < layer.inputs; i++) {
        const pi = p[i]!
        const qi = q[i]!
        if (pi === 0 && qi === 0) continue
        const row = i * layer.units
        for (let j = 0; j < layer.units; j++) {
          zp[j]! += pi * layer.kernel[row + j]!
          zq[j]! += qi * layer.kernel[row + j]!
        }
      }
      const mask = new Uint8Array(layer.units)
      for (let j = 0; j < layer.units; j++) {
        // Active just after α = a (a nudge decides ties at a switching point).
        mask[j] = zp[j]! + (a + 1e-9) * zq[j]! > 0 ? 1 : 0
        if (zq[j] !== 0) {
          const root = -zp[j]! / zq[j]!
          if (root > a + 1e-12 && root < next) next = root
        }
        if (!mask[j]) {
          zp[j] = 0
          zq[j] = 0
        }
      }
      masks.push(mask)
      p = zp
      q = zq
    }
    // The gradient of the output w.r.t. the input is constant on the segment: backpropagate it.
    let g = Float64Array.from(w.output.kernel)
    for (let l = w.hidden.length - 1; l >= 0; l--) {
      const layer = w.hidden[l]!
      const mask = masks[l]!
      const back = new Float64Array(layer.inputs)
      for (let i = 0; i < layer.inputs; i++) {
        let s = 0
        const row = i * layer.units
        for (let j = 0; j < layer.units; j++) if (mask[j]) s += layer.kernel[row + j]! * g[j]!
        back[i] = s
      }
      g = back
    }
    const length = next - a
    for (let i = 0; i < e.length; i++) attribution[i]! += g[i]! * delta[i]! * length
    a = next
  }
  return attribution
}

/**
 * Per-field contributions to logit(x) − logit(baseline), exact:
 * first-order difference of the field, plus half of each pairwise FM interaction difference it
 * takes part in, plus the field's share (its k embedding coordinates) of the DNN's exact IG.
 */
export function explainEncoded(w: DeepfmWeights, x: Encoded, baseline: Encoded): number[] {
  const fields = x.index.length
  const { k } = w
  const [e, e0] = [embed(w, x), embed(w, baseline)]
  const out = new Array<number>(fields).fill(0)
  for (let f = 0; f < fields; f++) {
    out[f]! += w.linear[x.index[f]!]! * x.value[f]! - w.linear[baseline.index[f]!]! * baseline.value[f]!
  }
  // O(n²k) here is fine: explanations are per request and n is the number of inputs, not slots.
  for (let f = 0; f < fields; f++) {
    for (let g = f + 1; g < fields; g++) {
      let now = 0
      let base = 0
      for (let d = 0; d < k; d++) {
        now += e[f * k + d]! * e[g * k + d]!
        base += e0[f * k + d]! * e0[g * k + d]!
      }
      out[f]! += (now - base) / 2
      out[g]! += (now - base) / 2
    }
  }
  const ig = exactIntegratedGradients(w, e0, e)
  for (let f = 0; f < fields; f++) for (let d = 0; d < k; d++) out[f]! += ig[f * k + d]!
  return out
}
