import { NexoraError } from '../../core/index.ts'
import type { TransformerConfig } from './config.ts'
import type { FeatureScaler } from './encode.ts'
import type { NamedWeight } from './params.ts'

export const CONFIG_FILE = 'model.json'
export const WEIGHTS_FILE = 'weights.bin'
const FORMAT = 'nexora-transformer-v1'

/** Everything but the weights' values: plain JSON any runtime can read. */
export interface TransformerArtifact {
  format: typeof FORMAT
  config: TransformerConfig
  vocabulary: string[]
  scaler: FeatureScaler
  /** The weights in `weights.bin` order (float32 little-endian, concatenated). */
  weights: { name: string; shape: number[] }[]
}

/**
 * Serialise to `model.json` + `weights.bin` (own format: no tfjs IOHandler, no `file://`).
 * @example
 * const files = encodeArtifact({ config, vocabulary, scaler }, weights)
 */
export function encodeArtifact(meta: Omit<TransformerArtifact, 'format' | 'weights'>, weights: NamedWeight[]): Record<string, Uint8Array> {
  const artifact: TransformerArtifact = { format: FORMAT, ...meta, weights: weights.map(({ name, shape }) => ({ name, shape })) }
  const total = weights.reduce((n, w) => n + w.values.length, 0)
  const view = new DataView(new ArrayBuffer(total * 4))
  let at = 0
  for (const w of weights) for (const v of w.values) view.setFloat32(at++ * 4, v, true)
  return { [CONFIG_FILE]: new TextEncoder().encode(JSON.stringify(artifact)), [WEIGHTS_FILE]: new Uint8Array(view.buffer) }
}

const fail = (detail: string, cause?: unknown) => new NexoraError('model.load_failed', { detail, cause })

/**
 * Parse and check the two files; anything malformed throws `model.load_failed`.
 * @example
 * const { artifact, weights } = decodeArtifact(files)
 */
export function decodeArtifact(files: Record<string, Uint8Array>): { artifact: TransformerArtifact; weights: NamedWeight[] } {
  const [json, bin] = [files[CONFIG_FILE], files[WEIGHTS_FILE]]
  if (!json || !bin) throw fail(`the artifact needs ${CONFIG_FILE} and ${WEIGHTS_FILE}`)
  let artifact: TransformerArtifact
  try {
    artifact = JSON.parse(new TextDecoder().decode(json)) as TransformerArtifact
  } catch (cause) {
    throw fail(`${CONFIG_FILE} is not JSON`, cause)
  }
  if (artifact?.format !== FORMAT || !Array.isArray(artifact.weights) || !Array.isArray(artifact.vocabulary) || !artifact.config || !artifact.scaler) {
    throw fail(`${CONFIG_FILE} is not a ${FORMAT} artifact`)
  }
  const sizes = artifact.weights.map((w) => w.shape.reduce((a, b) => a * b, 1))
  if (sizes.reduce((a, b) => a + b, 0) * 4 !== bin.byteLength) throw fail(`${WEIGHTS_FILE} does not match the weights ${CONFIG_FILE} declares`)
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength)
  let at = 0
  const weights = artifact.weights.map(({ name, shape }, i) => {
    const values = new Float32Array(sizes[i]!)
    for (let j = 0; j < values.length; j++) values[j] = view.getFloat32(at++ * 4, true)
    if (!values.every(Number.isFinite)) throw fail(`weight ${name} is not finite`)
    return { name, shape, values }
  })
  return { artifact, weights }
}
