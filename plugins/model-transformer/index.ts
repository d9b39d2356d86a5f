import { definePlugin, NexoraError, seededRandom, tagMetrics, type Dataset, type ModelManifest, type ModelPlugin, type TrainOptions } from '../../core/index.ts'
import { decodeArtifact, encodeArtifact, type TransformerArtifact } from './artifact.ts'
import { resolveConfig, type TransformerConfig } from './config.ts'
import { fitScaler } from './encode.ts'
import { loadTf } from './engine.ts'
import { createTransformerModel, EXPLANATION_METHOD } from './model.ts'
import { initWeights } from './params.ts'
import { fitTransformer } from './train-loop.ts'
import { buildVocabulary } from './vocabulary.ts'

export interface TransformerTrainOptions extends TrainOptions, Partial<TransformerConfig> {
  threshold?: number
}

function checkDataset(dataset: Dataset, options: TrainOptions) {
  const bad = (detail: string) => new NexoraError('model.train_failed', { detail })
  if (dataset.rows.length === 0 || dataset.rows.length !== dataset.labels.length) throw bad('rows and labels must be non-empty and of equal length')
  if (dataset.labels.some((y) => y !== 0 && y !== 1)) throw bad('labels must be 0 or 1')
  const category = options.inputs.find((i) => i.type === 'category')
  if (category) throw bad(`category input "${category.name}" is not supported; the transformer takes number and boolean inputs beside the sequence`)
}

/**
 * The `transformer` ModelPlugin: a BEHRT/Med-BERT-style encoder over `row.sequence` (tfjs,
 * imported lazily on first load or train), with the declared plain inputs (e.g. `age`)
 * joined at the head.
 */
export const transformerModelPlugin: ModelPlugin = {
  kind: 'transformer',
  async load(artifact) {
    const { artifact: meta, weights } = decodeArtifact(artifact.files)
    const tf = await loadTf()
    return createTransformerModel(tf, artifact.manifest, meta, weights)
  },
  async train(dataset: Dataset, options: TransformerTrainOptions, onProgress) {
    checkDataset(dataset, options)
    let config: TransformerConfig
    try {
      config = resolveConfig(options)
    } catch (cause) {
      throw new NexoraError('model.train_failed', { detail: (cause as Error).message, cause })
    }
    const seed = options.seed ?? 0
    const tf = await loadTf()
    const vocabulary = buildVocabulary(
      dataset.rows.map((r) => r.sequence),
      config.minCount,
    )
    const scaler = fitScaler(
      dataset.rows,
      options.inputs.map((i) => i.name),
    )
    const initial = initWeights(config, vocabulary.length, scaler.names.length, seededRandom(seed))
    const { weights, loss } = await fitTransformer(tf, { rows: dataset.rows, labels: dataset.labels, vocabulary, scaler, config, initial, seed, onProgress })
    const meta: Omit<TransformerArtifact, 'format' | 'weights'> = { config, vocabulary, scaler }
    const files = encodeArtifact(meta, weights)
    const manifest: ModelManifest = {
      name: options.name,
      version: options.version,
      kind: 'transformer',
      inputs: options.inputs,
      outputs: [{ name: 'probability', type: 'probability' }],
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      explanationMethod: EXPLANATION_METHOD,
      training: {
        rows: dataset.rows.length,
        positives: dataset.labels.filter((y) => y === 1).length,
        seed,
        finalLoss: loss,
        vocabulary: vocabulary.length,
        parameters: weights.reduce((n, w) => n + w.values.length, 0),
        ...config,
      },
    }
    const model = await createTransformerModel(tf, manifest, { format: 'nexora-transformer-v1', ...meta, weights: [] }, weights)
    try {
      return { manifest: { ...manifest, metrics: tagMetrics('insample', await model.evaluate(dataset)) }, files }
    } finally {
      await model.dispose?.()
    }
  },
}

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), transformerModel()] })
 */
export function transformerModel() {
  return definePlugin({ name: 'model-transformer', provides: 'model', setup: () => transformerModelPlugin })
}

export { DEFAULT_CONFIG, resolveConfig, type TransformerConfig } from './config.ts'
export { buildVocabulary, PAD, UNK, CLS } from './vocabulary.ts'
export { encodeRows, recentEvents, fitScaler, timeBucket, DELTA_EDGES } from './encode.ts'
export { loadTf } from './engine.ts'
