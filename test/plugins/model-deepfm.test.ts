import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { NexoraError, seededRandom, type FeatureDef, type Row } from '../../core/index.ts'
import { backendPriority, deepfmBackend, deepfmModelPlugin, fmInteractions } from '../../plugins/model-deepfm/index.ts'
import { readArtifactFiles, writeArtifactFiles } from '../../plugins/model-deepfm/artifact.ts'
import { exactIntegratedGradients } from '../../plugins/model-deepfm/explain.ts'
import { encodeRow, fitPreprocess } from '../../plugins/model-deepfm/fields.ts'
import { dnn, logitOf, type DeepfmWeights } from '../../plugins/model-deepfm/forward.ts'
import { artifactIOHandler, decodeFloat32Weights } from '../../plugins/model-deepfm/io-handler.ts'

const inputs: FeatureDef[] = [
  { name: 'age', type: 'number' },
  { name: 'sex', type: 'category', categories: ['F', 'M'] },
  { name: 'on_drug', type: 'boolean' },
]
const rows: Row[] = [
  { features: { age: 40, sex: 'F', on_drug: true } },
  { features: { age: 70, sex: 'M', on_drug: false } },
  { features: { age: 55, sex: 'M', on_drug: false } },
]

/** Random weights with the right shapes, for tests that need no training. */
function randomWeights(slots: number, fields: number, k: number, hidden: number[], seed = 3): DeepfmWeights {
  const r = seededRandom(seed)
  const arr = (n: number) => Float32Array.from({ length: n }, () => 2 * r.next() - 1)
  let width = fields * k
  const layers = hidden.map((units) => {
    const layer = { kernel: arr(width * units), bias: arr(units), inputs: width, units }
    width = units
    return layer
  })
  return {
    k,
    slots,
    embedding: arr(slots * k),
    linear: arr(slots),
    bias: Math.fround(0.1),
    hidden: layers,
    output: { kernel: arr(width), bias: arr(1), inputs: width, units: 1 },
  }
}

describe('DeepFM FM component', () => {
  it('computes Σ_{i<j}⟨v_i, v_j⟩ in O(kn) with ½[(Σv)² − Σv²]', () => {
    const r = seededRandom(11)
    const [fields, k] = [7, 5]
    const e = Float64Array.from({ length: fields * k }, () => 2 * r.next() - 1)
    let naive = 0
    for (let i = 0; i < fields; i++) for (let j = i + 1; j < fields; j++) for (let d = 0; d < k; d++) naive += e[i * k + d]! * e[j * k + d]!
    expect(fmInteractions(e, fields, k)).toBeCloseTo(naive, 12)
    expect(fmInteractions(Float64Array.of(1, 2, 3, 4), 2, 2)).toBe(11)
  })
})

describe('DeepFM explanation', () => {
  it('integrates the ReLU DNN exactly along the path', () => {
    const w = randomWeights(5, 3, 4, [16, 8])
    const r = seededRandom(5)
    const [e0, e] = [Float64Array.from({ length: 12 }, () => r.next() - 0.5), Float64Array.from({ length: 12 }, () => 3 * (r.next() - 0.5))]
    const total = exactIntegratedGradients(w, e0, e).reduce((s, v) => s + v, 0)
    expect(Math.abs(total - (dnn(w, e) - dnn(w, e0)))).toBeLessThan(1e-10)
  })
})

describe('DeepFM artifact IOHandler', () => {
  it('round-trips topology, weights and encoders through artifact files, bit for bit', async () => {
    const pre = fitPreprocess(inputs, rows)
    const w = randomWeights(pre.slots, pre.fields.length, 4, [6])
    const files = await writeArtifactFiles(w, pre)
    expect(Object.keys(files).sort()).toEqual(['model.json', 'preprocess.json', 'weights.bin'])
    const back = await readArtifactFiles(files)
    expect(back.preprocess).toEqual(pre)
    expect(Array.from(back.weights.embedding)).toEqual(Array.from(w.embedding))
    for (const row of rows) expect(logitOf(back.weights, encodeRow(pre, row))).toBe(logitOf(w, encodeRow(pre, row)))
  })

  it('is a tfjs IOHandler: load returns what save was given', async () => {
    const files: Record<string, Uint8Array> = {}
    const weightData = Float32Array.of(1, 2, 3, 4, 5).buffer
    await artifactIOHandler(files).save!({
      modelTopology: { hello: 'world' },
      weightSpecs: [
        { name: 'a', shape: [2, 2], dtype: 'float32' },
        { name: 'b', shape: [1], dtype: 'float32' },
      ],
      weightData,
    })
    const loaded = await artifactIOHandler(files).load!()
    expect(loaded.modelTopology).toEqual({ hello: 'world' })
    const decoded = decodeFloat32Weights(loaded)
    expect(Array.from(decoded.get('a')!.values)).toEqual([1, 2, 3, 4])
    expect(Array.from(decoded.get('b')!.values)).toEqual([5])
  })

  it('rejects garbage and truncated artifacts with model.load_failed', async () => {
    const pre = fitPreprocess(inputs, rows)
    const files = await writeArtifactFiles(randomWeights(pre.slots, pre.fields.length, 4, [6]), pre)
    const manifest = { name: 'x', version: '1.0.0', kind: 'deepfm', inputs, outputs: [] }
    const code = (f: Record<string, Uint8Array>) =>
      deepfmModelPlugin.load({ manifest, files: f }).then(
        () => 'ok',
        (e: unknown) => (e instanceof NexoraError ? e.code : 'other'),
      )
    expect(await code(files)).toBe('ok')
    expect(await code({ ...files, 'model.json': new TextEncoder().encode('{ not a model') })).toBe('model.load_failed')
    expect(await code({ ...files, 'weights.bin': files['weights.bin']!.slice(4) })).toBe('model.load_failed')
    expect(await code({ ...files, 'preprocess.json': new Uint8Array([0xff, 0x00]) })).toBe('model.load_failed')
  })
})

describe('DeepFM engine', () => {
  it('keeps tfjs out of the import graph (loaded lazily on first training)', () => {
    for (const file of ['index.ts', 'model.ts', 'artifact.ts', 'io-handler.ts', 'fit.ts', 'engine.ts']) {
      const source = readFileSync(new URL(`../../plugins/model-deepfm/${file}`, import.meta.url), 'utf8')
      expect(source, file).not.toMatch(/^import (?!type ).*@tensorflow/m)
    }
  })

  it('resolves a backend by priority, wasm first in Node', async () => {
    expect(backendPriority()).toEqual(['wasm', 'cpu'])
    expect(backendPriority()).toContain(await deepfmBackend())
  })

  it('reports progress per epoch and honours early stopping', async () => {
    const r = seededRandom(9)
    const many = Array.from({ length: 120 }, (_, i) => ({ features: { age: 30 + (i % 50), sex: i % 2 ? 'M' : 'F', on_drug: r.next() < 0.3 } }))
    const labels = many.map(() => (r.next() < 0.3 ? 1 : 0))
    const epochs: number[] = []
    const { loadEngine } = await import('../../plugins/model-deepfm/engine.ts')
    const { tf } = await loadEngine()
    const tensors = tf.memory().numTensors
    const artifact = await deepfmModelPlugin.train!(
      { rows: many, labels },
      { name: 'x', version: '1.0.0', inputs, seed: 1, epochs: 30, patience: 2, classWeights: 'balanced' },
      (p) => epochs.push(p.epoch),
    )
    const training = artifact.manifest.training as { epochsRun: number; bestEpoch: number }
    expect(epochs).toEqual(Array.from({ length: training.epochsRun }, (_, i) => i + 1))
    expect(training.bestEpoch).toBeLessThanOrEqual(training.epochsRun)
    expect(tf.memory().numTensors, 'training leaks no tensors').toBe(tensors)
  })
})

describe('shipped readmission-deepfm', () => {
  it('loads with matching hashes and explains additively', async () => {
    const { hashFiles } = await import('../../core/index.ts')
    const dir = new URL('../../models/readmission-deepfm/', import.meta.url)
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'))
    const files = Object.fromEntries(Object.keys(manifest.files).map((f) => [f, new Uint8Array(readFileSync(new URL(f, dir)))]))
    expect(await hashFiles(files)).toEqual(manifest.files)
    expect(manifest).toMatchObject({ name: 'readmission-deepfm', version: '1.0.0', kind: 'deepfm', threshold: 0.3, labels: ['low', 'high'] })
    const model = await deepfmModelPlugin.load({ manifest, files })
    const row: Row = { features: { age: 71, sex: 'M', systolic_bp: 142, hba1c: 7.9, egfr: 58, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true } }
    const [[p], [e]] = [await model.predict([row]), await model.explain([row])]
    const logit = Math.log(p!.score / (1 - p!.score))
    expect(Math.abs(e!.reduce((s, c) => s + c.contribution, 0) - (logit - model.describe().baseline!))).toBeLessThan(1e-9)
  })
})
