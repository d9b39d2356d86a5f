import { definePlugin, NexoraError, tagMetrics, type Dataset, type ModelPlugin } from '../../core/index.ts'
import { readArtifactFiles, writeArtifactFiles } from './artifact.ts'
import { loadEngine } from './engine.ts'
import { encodeRow, fitPreprocess } from './fields.ts'
import { fitDeepfm } from './fit.ts'
import { createDeepfmModel, EXPLANATION_METHOD } from './model.ts'
import { resolveOptions, type DeepfmTrainOptions } from './options.ts'

/**
 * The `deepfm` ModelPlugin: DeepFM (Guo et al., 2017). Training loads tfjs lazily (wasm, else
 * cpu); loading and serving are pure JS over the saved weights.
 * @example
 * const artifact = await deepfmModelPlugin.train!(dataset, { name: 'r', version: '1.0.0', inputs, seed: 7 })
 * const model = await deepfmModelPlugin.load(artifact)
 */
export const deepfmModelPlugin: ModelPlugin = {
  kind: 'deepfm',
  async load(artifact) {
    const { weights, preprocess } = await readArtifactFiles(artifact.files)
    return createDeepfmModel(artifact.manifest, preprocess, weights)
  },
  async train(dataset: Dataset, options: DeepfmTrainOptions, onProgress) {
    if (dataset.rows.length < 2 || dataset.rows.length !== dataset.labels.length)
      throw new NexoraError('model.train_failed', { detail: 'rows and labels must have equal length, at least 2' })
    if (dataset.labels.some((y) => y !== 0 && y !== 1)) throw new NexoraError('model.train_failed', { detail: 'labels must be 0 or 1' })
    const o = resolveOptions(options, dataset.labels)
    const engine = await loadEngine()
    const preprocess = fitPreprocess(options.inputs, dataset.rows)
    const encoded = dataset.rows.map((r) => encodeRow(preprocess, r))
    const fit = await fitDeepfm(engine, encoded, dataset.labels, preprocess.slots, o, (epoch, loss) => onProgress?.({ epoch, epochs: o.epochs, loss }))
    const files = await writeArtifactFiles(fit.weights, preprocess)
    const manifest = {
      name: options.name,
      version: options.version,
      kind: 'deepfm',
      inputs: options.inputs,
      outputs: [{ name: 'probability', type: 'probability' as const }],
      ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
      explanationMethod: EXPLANATION_METHOD,
      training: {
        rows: dataset.rows.length,
        positives: dataset.labels.filter((y) => y === 1).length,
        seed: o.seed,
        backend: engine.backend,
        embeddingSize: o.embeddingSize,
        hiddenLayers: o.hiddenLayers,
        dropout: o.dropout,
        learningRate: o.learningRate,
        batchSize: o.batchSize,
        epochs: o.epochs,
        epochsRun: fit.epochsRun,
        bestEpoch: fit.bestEpoch,
        bestValidationLoss: fit.bestValidationLoss,
        validationSplit: o.validationSplit,
        patience: o.patience,
        classWeights: o.classWeights,
        l2: o.l2,
      },
    }
    const model = createDeepfmModel(manifest, preprocess, fit.weights)
    return { manifest: { ...manifest, metrics: tagMetrics('insample', await model.evaluate(dataset)) }, files }
  },
}

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), deepfmModel()] })
 */
export function deepfmModel() {
  return definePlugin({ name: 'model-deepfm', provides: 'model', setup: () => deepfmModelPlugin })
}

export type { DeepfmTrainOptions } from './options.ts'
export { deepfmBackend, backendPriority } from './engine.ts'
export { artifactIOHandler } from './io-handler.ts'
export { fmInteractions } from './forward.ts'
