import type { Random } from '../../core/index.ts'
import type { TransformerConfig } from './config.ts'
import { TIME_BUCKETS } from './encode.ts'

/** One weight tensor: its name, shape and values (float32, row-major). */
export interface NamedWeight {
  name: string
  shape: number[]
  values: Float32Array
}

type Init = 'embedding' | 'dense' | 'zeros' | 'ones'

/** Every weight of the network, in a fixed order (the artifact's order). */
export function weightSpecs(config: TransformerConfig, vocabularySize: number, featureCount: number): { name: string; shape: number[]; init: Init }[] {
  const { dim: d, ffDim: ff, maxLength: L } = config
  const specs: { name: string; shape: number[]; init: Init }[] = [
    { name: 'embedding/code', shape: [vocabularySize, d], init: 'embedding' },
    { name: 'embedding/time', shape: [TIME_BUCKETS, d], init: 'embedding' },
    { name: 'embedding/segment', shape: [2, d], init: 'embedding' },
    { name: 'embedding/position', shape: [L, d], init: 'embedding' },
  ]
  for (let l = 0; l < config.layers; l++) {
    const p = `layer${l}/`
    specs.push(
      { name: `${p}ln1/gamma`, shape: [d], init: 'ones' },
      { name: `${p}ln1/beta`, shape: [d], init: 'zeros' },
      { name: `${p}q/kernel`, shape: [d, d], init: 'dense' },
      { name: `${p}q/bias`, shape: [d], init: 'zeros' },
      { name: `${p}k/kernel`, shape: [d, d], init: 'dense' },
      { name: `${p}k/bias`, shape: [d], init: 'zeros' },
      { name: `${p}v/kernel`, shape: [d, d], init: 'dense' },
      { name: `${p}v/bias`, shape: [d], init: 'zeros' },
      { name: `${p}o/kernel`, shape: [d, d], init: 'dense' },
      { name: `${p}o/bias`, shape: [d], init: 'zeros' },
      { name: `${p}ln2/gamma`, shape: [d], init: 'ones' },
      { name: `${p}ln2/beta`, shape: [d], init: 'zeros' },
      { name: `${p}ff1/kernel`, shape: [d, ff], init: 'dense' },
      { name: `${p}ff1/bias`, shape: [ff], init: 'zeros' },
      { name: `${p}ff2/kernel`, shape: [ff, d], init: 'dense' },
      { name: `${p}ff2/bias`, shape: [d], init: 'zeros' },
    )
  }
  specs.push(
    { name: 'final/gamma', shape: [d], init: 'ones' },
    { name: 'final/beta', shape: [d], init: 'zeros' },
    { name: 'head/kernel', shape: [d + featureCount, 1], init: 'dense' },
    { name: 'head/bias', shape: [1], init: 'zeros' },
  )
  return specs
}

/** A standard normal draw (Box–Muller) from the seeded stream. */
function normal(random: Random): number {
  const u = 1 - random.next()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next())
}

/**
 * Seeded initial weights, drawn in JavaScript rather than by tfjs initialisers so the same seed
 * gives the same network on every backend: embeddings N(0, 0.1²), dense kernels Glorot-uniform,
 * biases 0, layer-norm gains 1.
 *
 * @example
 * initWeights(config, vocabulary.length, 1, seededRandom(7))
 */
export function initWeights(config: TransformerConfig, vocabularySize: number, featureCount: number, random: Random): NamedWeight[] {
  return weightSpecs(config, vocabularySize, featureCount).map(({ name, shape, init }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
    const limit = Math.sqrt(6 / (shape[0]! + (shape[1] ?? 1)))
    for (let i = 0; i < values.length; i++) {
      values[i] = init === 'ones' ? 1 : init === 'zeros' ? 0 : init === 'embedding' ? 0.1 * normal(random) : (2 * random.next() - 1) * limit
    }
    return { name, shape, values }
  })
}
