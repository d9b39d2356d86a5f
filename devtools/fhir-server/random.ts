import { seededRandom } from '../../core/index.ts'

/** Distributions on one seeded stream: the generator never touches Math.random or the wall clock. */
export interface Draw {
  /** Uniform in [0, 1). */
  next(): number
  uniform(lo: number, hi: number): number
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number
  chance(p: number): boolean
  normal(mean?: number, sd?: number): number
  poisson(lambda: number): number
  pick<T>(items: readonly T[]): T
}

export function createDraw(seed: number): Draw {
  const random = seededRandom(seed)
  const next = () => random.next()
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    // Box–Muller; 1 − u keeps the logarithm away from 0.
    normal: (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    poisson(lambda) {
      let k = 0
      for (let p = next(); p > Math.exp(-lambda); p *= next()) k++
      return k
    },
    pick: (items) => items[Math.floor(next() * items.length)]!,
  }
}

export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x))
export const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals
export const sigmoid = (t: number) => 1 / (1 + Math.exp(-t))
