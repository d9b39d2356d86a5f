import { definePlugin, NexoraError, tagMetrics, type Dataset, type ModelPlugin, type TrainOptions } from '../../core/index.ts'
import { ARTIFACT_FILE, decodeArtifact, encodeArtifact, type LinearArtifact } from './artifact.ts'
import { createLinearModel } from './model.ts'
import { fitLogistic } from './newton.ts'
import { columnsFor, encodeRows, fitScaler, standardise } from './standardise.ts'

export interface LinearTrainOptions extends TrainOptions {
  /** Inverse regularisation strength, as in scikit-learn. Default 1. */
  C?: number
  maxIterations?: number
  threshold?: number
}

/** The `linear` ModelPlugin: L2 logistic regression in pure TypeScript (runs everywhere). */
export const linearModelPlugin: ModelPlugin = {
  kind: 'linear',
  async load(artifact) {
    return createLinearModel(artifact.manifest, decodeArtifact(artifact.files[ARTIFACT_FILE]))
  },
  async train(dataset: Dataset, options: LinearTrainOptions, onProgress) {
    if (dataset.rows.length === 0 || dataset.rows.length !== dataset.labels.length)
      throw new NexoraError('model.train_failed', { detail: 'rows and labels must be non-empty and of equal length' })
    if (dataset.labels.some((y) => y !== 0 && y !== 1)) throw new NexoraError('model.train_failed', { detail: 'labels must be 0 or 1' })
    const columns = columnsFor(options.inputs)
    const raw = encodeRows(dataset.rows, columns)
    const { mean, scale } = fitScaler(raw, columns.length)
    const C = options.C ?? 1
    const maxIterations = options.maxIterations ?? 100
    const fit = fitLogistic(standardise(raw, mean, scale), dataset.labels, {
      C,
      maxIterations,
      onIteration: (epoch, loss) => onProgress?.({ epoch, epochs: maxIterations, loss: loss / dataset.rows.length }),
    })
    const artifact: LinearArtifact = { format: 'nexora-logistic-v1', columns, mean, scale, coef: fit.coef, intercept: fit.intercept, C }
    const manifest = {
      name: options.name,
      version: options.version,
      kind: 'linear',
      inputs: options.inputs,
      outputs: [{ name: 'probability', type: 'probability' as const }],
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      explanationMethod: 'coefficient × standardised value',
      training: {
        rows: dataset.rows.length,
        positives: dataset.labels.filter((y) => y === 1).length,
        C,
        iterations: fit.iterations,
        gradientNorm: fit.gradientNorm,
      },
    }
    const model = createLinearModel(manifest, artifact)
    return { manifest: { ...manifest, metrics: tagMetrics('insample', await model.evaluate(dataset)) }, files: { [ARTIFACT_FILE]: encodeArtifact(artifact) } }
  },
}

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel()] })
 */
export function linearModel() {
  return definePlugin({ name: 'model-linear', provides: 'model', setup: () => linearModelPlugin })
}

export { fitLogistic, choleskySolve } from './newton.ts'
export type { LinearArtifact } from './artifact.ts'
