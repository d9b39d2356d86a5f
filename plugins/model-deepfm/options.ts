import type { TrainOptions } from '../../core/index.ts'

/** DeepFM hyper-parameters; every one has a default that trains the demo cohort well. */
export interface DeepfmTrainOptions extends TrainOptions {
  /** k, the size of the one embedding shared by the FM and the DNN. Default 8. */
  embeddingSize?: number
  /** Units of the ReLU layers of the DNN. Default [32, 16]. */
  hiddenLayers?: number[]
  /** Inverted-dropout rate after each hidden layer, seeded. Default 0.1. */
  dropout?: number
  /** Adam learning rate. Default 0.005. */
  learningRate?: number
  /** Maximum epochs. Default 40. */
  epochs?: number
  /** Default 64. */
  batchSize?: number
  /** Fraction held out (seeded) for early stopping; 0 trains on everything for `epochs`. Default 0.15. */
  validationSplit?: number
  /** Epochs without validation improvement before stopping; the best epoch's weights are kept. Default 5. */
  patience?: number
  /** Loss weights per class: `'balanced'` (n / 2·n_c) or explicit. Default: none (calibrated scores). */
  classWeights?: 'balanced' | { negative: number; positive: number }
  /** L2 penalty on embeddings and DNN kernels, per batch. Default 1e-4. */
  l2?: number
  /** Decision threshold written to the manifest. */
  threshold?: number
}

/** The hyper-parameters with defaults filled in (no index signature, unlike TrainOptions). */
export interface ResolvedOptions {
  seed: number
  embeddingSize: number
  hiddenLayers: number[]
  dropout: number
  learningRate: number
  epochs: number
  batchSize: number
  validationSplit: number
  patience: number
  classWeights: { negative: number; positive: number }
  l2: number
  threshold?: number
}

/** Fill defaults and turn `'balanced'` into numbers. */
export function resolveOptions(o: DeepfmTrainOptions, labels: number[]): ResolvedOptions {
  const positives = labels.filter((y) => y === 1).length
  const n = labels.length
  const classWeights =
    o.classWeights === 'balanced'
      ? { negative: n / (2 * Math.max(1, n - positives)), positive: n / (2 * Math.max(1, positives)) }
      : (o.classWeights ?? { negative: 1, positive: 1 })
  return {
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    seed: o.seed ?? 0,
    embeddingSize: o.embeddingSize ?? 8,
    hiddenLayers: o.hiddenLayers ?? [32, 16],
    dropout: o.dropout ?? 0.1,
    learningRate: o.learningRate ?? 0.005,
    epochs: o.epochs ?? 40,
    batchSize: o.batchSize ?? 64,
    validationSplit: o.validationSplit ?? 0.15,
    patience: o.patience ?? 5,
    l2: o.l2 ?? 1e-4,
    classWeights,
  }
}
