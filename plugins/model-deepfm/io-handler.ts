import type { io } from '@tensorflow/tfjs'
import { NexoraError } from '../../core/index.ts'

export const TOPOLOGY_FILE = 'model.json'
export const WEIGHTS_FILE = 'weights.bin'

const fail = (detail: string, cause?: unknown) => new NexoraError('model.load_failed', { detail, cause })

function concat(data: io.WeightData): Uint8Array {
  const parts = Array.isArray(data) ? data : [data]
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0))
  let at = 0
  for (const b of parts) {
    out.set(new Uint8Array(b), at)
    at += b.byteLength
  }
  return out
}

/**
 * A tfjs IOHandler over a Nexora artifact's `files`: `save` writes the topology and weight
 * manifest to `model.json` and the weight bytes to `weights.bin` (the tfjs layout, so the
 * files stay readable by tfjs tooling); `load` reads them back. No `file://`, no network:
 * the registry owns where the bytes live.
 * @example
 * const files: Record<string, Uint8Array> = {}
 * await artifactIOHandler(files).save!({ modelTopology: topology, weightSpecs, weightData })
 * const back = await artifactIOHandler(files).load!()
 */
export function artifactIOHandler(files: Record<string, Uint8Array>): io.IOHandler {
  return {
    async save(artifacts) {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new TypeError('DeepFM saves a JSON topology')
      const weights = concat(artifacts.weightData ?? new ArrayBuffer(0))
      const json = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      }
      const topology = new TextEncoder().encode(JSON.stringify(json))
      files[TOPOLOGY_FILE] = topology
      files[WEIGHTS_FILE] = weights
      return {
        modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON', modelTopologyBytes: topology.byteLength, weightDataBytes: weights.byteLength },
      }
    },
    async load() {
      const [topology, weights] = [files[TOPOLOGY_FILE], files[WEIGHTS_FILE]]
      if (!topology || !weights) throw fail(`the artifact needs ${TOPOLOGY_FILE} and ${WEIGHTS_FILE}`)
      let json: { format?: string; generatedBy?: string; modelTopology?: object; weightsManifest?: { paths: string[]; weights: io.WeightsManifestEntry[] }[] }
      try {
        json = JSON.parse(new TextDecoder().decode(topology))
      } catch (cause) {
        throw fail(`${TOPOLOGY_FILE} is not JSON`, cause)
      }
      const manifest = json?.weightsManifest
      if (!json?.modelTopology || !Array.isArray(manifest) || manifest.length !== 1 || !Array.isArray(manifest[0]?.weights)) {
        throw fail(`${TOPOLOGY_FILE} is not a tfjs model with one weights group`)
      }
      // Copy: the stored bytes may be a view at an offset that Float32Array cannot alias.
      const weightData = weights.slice().buffer
      return { format: json.format, generatedBy: json.generatedBy, modelTopology: json.modelTopology, weightSpecs: manifest[0]!.weights, weightData }
    },
  }
}

/**
 * Decode float32 weights from loaded tfjs artifacts in plain JS (what tf.io.decodeWeights
 * does, without a tensor engine), checking that the byte count matches the specs.
 */
export function decodeFloat32Weights(artifacts: io.ModelArtifacts): Map<string, { shape: number[]; values: Float32Array }> {
  const buffer = concat(artifacts.weightData ?? new ArrayBuffer(0)).buffer
  const out = new Map<string, { shape: number[]; values: Float32Array }>()
  let at = 0
  for (const spec of artifacts.weightSpecs ?? []) {
    if (spec.dtype !== 'float32' || spec.quantization) throw fail(`weight ${spec.name} is not plain float32`)
    const size = spec.shape.reduce((n, d) => n * d, 1)
    if (at + size * 4 > buffer.byteLength) throw fail(`${WEIGHTS_FILE} is shorter than its manifest`)
    out.set(spec.name, { shape: spec.shape, values: new Float32Array(buffer, at, size) })
    at += size * 4
  }
  if (at !== buffer.byteLength) throw fail(`${WEIGHTS_FILE} does not match its manifest`)
  return out
}
