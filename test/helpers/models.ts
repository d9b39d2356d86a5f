import type { LoadedModel, ModelManifest, ModelPlugin } from '../../core/index.ts'

/** A tiny model for core tests: score = sigmoid(w·x) over number inputs, explain = w·x per feature. */
export function toyManifest(version = '1.0.0', over: Partial<ModelManifest> = {}): ModelManifest {
  return {
    name: 'toy', version, kind: 'toy', outputs: [{ name: 'p', type: 'probability' }], threshold: 0.5, labels: ['low', 'high'],
    inputs: [
      { name: 'age', type: 'number', min: 0, max: 130 },
      { name: 'smoker', type: 'boolean', required: false },
      { name: 'sex', type: 'category', categories: ['F', 'M'], required: false },
    ],
    ...over,
  }
}

export const toyFiles = (weight = 0.05) => ({ 'weights.json': new TextEncoder().encode(JSON.stringify({ age: weight, offset: -3 })) })

export function toyPlugin(counters: { loads: number; disposed: number } = { loads: 0, disposed: 0 }, delayMs = 0): ModelPlugin {
  return {
    kind: 'toy',
    async load(artifact) {
      counters.loads++
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
      const w = JSON.parse(new TextDecoder().decode(artifact.files['weights.json'])) as { age: number; offset: number }
      const logit = (f: Record<string, unknown>) => w.offset + w.age * Number(f.age) + (f.smoker ? 1 : 0)
      const model: LoadedModel = {
        describe: () => ({ inputs: artifact.manifest.inputs, outputs: artifact.manifest.outputs, explanationMethod: 'exact', additivity: 'logit' }),
        predict: async (rows) => rows.map((r) => ({ score: 1 / (1 + Math.exp(-logit(r.features))) })),
        explain: async (rows) => rows.map((r) => [
          { feature: 'age', value: r.features.age ?? null, contribution: w.age * Number(r.features.age) },
          { feature: 'smoker', value: r.features.smoker ?? null, contribution: r.features.smoker ? 1 : 0 },
        ]),
        evaluate: async () => ({}),
        dispose: () => { counters.disposed++ },
      }
      return model
    },
  }
}
