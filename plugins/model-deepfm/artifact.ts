import type { io } from '@tensorflow/tfjs'
import { NexoraError } from '../../core/index.ts'
import type { Preprocess } from './fields.ts'
import type { Dense, DeepfmWeights } from './forward.ts'
import { artifactIOHandler, decodeFloat32Weights } from './io-handler.ts'

export const PREPROCESS_FILE = 'preprocess.json'
export const DEEPFM_FORMAT = 'nexora-deepfm-v1'

/**
 * The topology in `model.json`. DeepFM's FM layer is not a stock Keras layer, so the topology
 * names the architecture and its sizes; the weight names below fix the tensor layout.
 */
export interface DeepfmTopology {
  class_name: 'NexoraDeepFM'
  config: { fields: number; slots: number; embeddingSize: number; hidden: number[]; activation: 'relu'; output: 'sigmoid(y_FM + y_DNN)' }
}

const fail = (detail: string, cause?: unknown) => new NexoraError('model.load_failed', { detail, cause })

/** Weights in a fixed order with tfjs-style names and shapes. */
function namedWeights(w: DeepfmWeights): [string, number[], Float32Array][] {
  return [
    ['embedding', [w.slots, w.k], w.embedding],
    ['linear', [w.slots, 1], w.linear],
    ['bias', [1], Float32Array.of(w.bias)],
    ...w.hidden.flatMap((l, i): [string, number[], Float32Array][] => [
      [`dense_${i}/kernel`, [l.inputs, l.units], l.kernel],
      [`dense_${i}/bias`, [l.units], l.bias],
    ]),
    ['output/kernel', [w.output.inputs, 1], w.output.kernel],
    ['output/bias', [1], w.output.bias],
  ]
}

/**
 * Save weights, topology and encoders into artifact files through the tfjs IOHandler.
 * @example
 * const files = await writeArtifactFiles(weights, preprocess)
 */
export async function writeArtifactFiles(w: DeepfmWeights, pre: Preprocess): Promise<Record<string, Uint8Array>> {
  const named = namedWeights(w)
  const weightSpecs: io.WeightsManifestEntry[] = named.map(([name, shape]) => ({ name, shape, dtype: 'float32' }))
  const data = new Uint8Array(named.reduce((n, [, , v]) => n + v.byteLength, 0))
  let at = 0
  for (const [, , v] of named) {
    data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at)
    at += v.byteLength
  }
  const topology: DeepfmTopology = {
    class_name: 'NexoraDeepFM',
    config: {
      fields: pre.fields.length,
      slots: w.slots,
      embeddingSize: w.k,
      hidden: w.hidden.map((l) => l.units),
      activation: 'relu',
      output: 'sigmoid(y_FM + y_DNN)',
    },
  }
  const files: Record<string, Uint8Array> = {}
  await artifactIOHandler(files).save!({
    format: DEEPFM_FORMAT,
    generatedBy: 'nexora model-deepfm',
    modelTopology: topology,
    weightSpecs,
    weightData: data.buffer,
  })
  files[PREPROCESS_FILE] = new TextEncoder().encode(JSON.stringify(pre))
  return files
}

function parsePreprocess(bytes: Uint8Array | undefined): Preprocess {
  if (!bytes) throw fail(`the artifact has no ${PREPROCESS_FILE}`)
  let pre: Preprocess
  try {
    pre = JSON.parse(new TextDecoder().decode(bytes)) as Preprocess
  } catch (cause) {
    throw fail(`${PREPROCESS_FILE} is not JSON`, cause)
  }
  if (pre?.format !== 'nexora-deepfm-preprocess-v1' || !Array.isArray(pre.fields)) throw fail(`${PREPROCESS_FILE} is not a DeepFM encoder`)
  return pre
}

/**
 * Read artifact files back (IOHandler load + plain-JS weight decode) and check every shape.
 * @example
 * const { weights, preprocess } = await readArtifactFiles(artifact.files)
 */
export async function readArtifactFiles(
  files: Record<string, Uint8Array>,
): Promise<{ weights: DeepfmWeights; preprocess: Preprocess; topology: DeepfmTopology }> {
  const pre = parsePreprocess(files[PREPROCESS_FILE])
  const loaded = await artifactIOHandler(files).load!()
  const topology = loaded.modelTopology as DeepfmTopology
  if (loaded.format !== DEEPFM_FORMAT || topology?.class_name !== 'NexoraDeepFM') throw fail(`model.json is not a ${DEEPFM_FORMAT} model`)
  const { fields, slots, embeddingSize: k, hidden } = topology.config
  if (fields !== pre.fields.length || slots !== pre.slots) throw fail('model.json and preprocess.json disagree')
  const decoded = decodeFloat32Weights(loaded)
  const take = (name: string, shape: number[]) => {
    const t = decoded.get(name)
    if (!t || t.shape.join() !== shape.join()) throw fail(`weight ${name} is missing or not ${JSON.stringify(shape)}`)
    return t.values
  }
  let inputs = fields * k
  const layers: Dense[] = hidden.map((units, i) => {
    const layer = { kernel: take(`dense_${i}/kernel`, [inputs, units]), bias: take(`dense_${i}/bias`, [units]), inputs, units }
    inputs = units
    return layer
  })
  const weights: DeepfmWeights = {
    k,
    slots,
    embedding: take('embedding', [slots, k]),
    linear: take('linear', [slots, 1]),
    bias: take('bias', [1])[0]!,
    hidden: layers,
    output: { kernel: take('output/kernel', [inputs, 1]), bias: take('output/bias', [1]), inputs, units: 1 },
  }
  return { weights, preprocess: pre, topology }
}
