import { encodeWeights, memoryModelPlugin, type ModelManifest, type ModelPlugin } from '../core/index.ts'

/** The toy model for core tests: score = sigmoid(−3 + w·age + smoker), explained per feature. */
export function toyManifest(version = '1.0.0', over: Partial<ModelManifest> = {}): ModelManifest {
  return {
    name: 'toy',
    version,
    kind: 'toy',
    outputs: [{ name: 'p', type: 'probability' }],
    threshold: 0.5,
    labels: ['low', 'high'],
    inputs: [
      { name: 'age', type: 'number', min: 0, max: 130 },
      { name: 'smoker', type: 'boolean', required: false },
      { name: 'sex', type: 'category', categories: ['F', 'M'], required: false },
    ],
    ...over,
  }
}

export const toyFiles = (weight = 0.05) => encodeWeights({ weights: { age: weight, smoker: 1 }, bias: -3 })

/** The in-memory model plugin under kind `toy`, counting loads and disposals, optionally slow to load. */
export function toyPlugin(counters: { loads: number; disposed: number } = { loads: 0, disposed: 0 }, delayMs = 0): ModelPlugin {
  const inner = memoryModelPlugin('toy')
  return {
    kind: 'toy',
    async load(artifact) {
      counters.loads++
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
      return {
        ...(await inner.load(artifact)),
        dispose: () => {
          counters.disposed++
        },
      }
    },
  }
}
