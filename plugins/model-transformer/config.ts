/** The architecture and training settings of a transformer model, stored in its artifact. */
export interface TransformerConfig {
  /** Longest sequence kept; longer ones keep their most recent `maxLength` events. */
  maxLength: number
  /** Width of every embedding and hidden state. */
  dim: number
  heads: number
  layers: number
  /** Hidden size of each encoder layer's feed-forward block. */
  ffDim: number
  dropout: number
  /** `mean` over non-padding events (default) or a learned `cls` token prepended to the sequence. */
  pooling: 'mean' | 'cls'
  /** Codes seen fewer times in training map to `[UNK]`. */
  minCount: number
  epochs: number
  batchSize: number
  learningRate: number
  /** Integrated-gradients steps for `explain` (trapezoid rule). */
  igSteps: number
}

export const DEFAULT_CONFIG: TransformerConfig = {
  maxLength: 64,
  dim: 32,
  heads: 2,
  layers: 2,
  ffDim: 64,
  dropout: 0.1,
  pooling: 'mean',
  minCount: 3,
  epochs: 10,
  batchSize: 32,
  learningRate: 0.002,
  igSteps: 128,
}

/**
 * Merge caller options over the defaults, checking the shapes fit together.
 * @example
 * resolveConfig({ dim: 16, heads: 2 }) // { ...DEFAULT_CONFIG, dim: 16, heads: 2 }
 */
export function resolveConfig(options: Partial<Record<keyof TransformerConfig, unknown>>): TransformerConfig {
  const config = { ...DEFAULT_CONFIG }
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TransformerConfig)[]) {
    if (options[key] !== undefined) (config as Record<string, unknown>)[key] = options[key]
  }
  if (config.dim % config.heads !== 0) throw new Error(`dim (${config.dim}) must be a multiple of heads (${config.heads})`)
  if (config.maxLength < 1 || config.layers < 1) throw new Error('maxLength and layers must be at least 1')
  return config
}
