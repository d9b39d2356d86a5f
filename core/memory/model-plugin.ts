import type { LoadedModel, ModelPlugin } from '../ports/model.ts'

/** The artifact of the in-memory model: `weights.json` = `{ weights: {feature: w}, bias }`. */
export interface WeightsArtifact {
  weights: Record<string, number>
  bias: number
}

export const encodeWeights = (artifact: WeightsArtifact) => ({ 'weights.json': new TextEncoder().encode(JSON.stringify(artifact)) })

/**
 * A ModelPlugin for tests and examples (kind `weights`): score = sigmoid(bias + Σ w·x) over
 * numeric and boolean features, each feature contributing w·x. No training, no engine.
 * @example
 * const plugin = memoryModelPlugin(); await plugin.load({ manifest, files: encodeWeights({ weights: { age: 0.05 }, bias: -3 }) })
 */
export function memoryModelPlugin(kind = 'weights'): ModelPlugin {
  return {
    kind,
    async load({ manifest, files }) {
      const { weights, bias } = JSON.parse(new TextDecoder().decode(files['weights.json'])) as WeightsArtifact
      const terms = (features: Record<string, unknown>) =>
        Object.entries(weights).map(([feature, w]) => ({ feature, value: features[feature] ?? null, contribution: w * Number(features[feature] ?? 0) }))
      const model: LoadedModel = {
        describe: () => ({ inputs: manifest.inputs, outputs: manifest.outputs, explanationMethod: 'w·x per feature (exact)', additivity: 'logit' }),
        predict: async (rows) => rows.map((r) => ({ score: 1 / (1 + Math.exp(-terms(r.features).reduce((t, c) => t + c.contribution, bias))) })),
        explain: async (rows) => rows.map((r) => terms(r.features) as never),
        evaluate: async () => ({}),
      }
      return model
    },
  }
}
