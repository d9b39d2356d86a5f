import { seededRandom } from '../../core/index.ts'

/**
 * Baseline Shapley values (Sundararajan & Najmi, "The many Shapley values for model explanation",
 * ICML 2020): the game is v(S) = f(x with the features outside S set to the baseline's), so
 * φ_i = Σ_{S ⊆ N∖{i}} |S|! (d − |S| − 1)! / d! · (v(S ∪ {i}) − v(S)).
 * Either way below, Σ_i φ_i = v(N) − v(∅) = f(x) − f(baseline) exactly (to float rounding): the
 * exact sum telescopes, and so does every sampled permutation.
 *
 * A plan is computed once per call and used for every row, so a row explained alone or in a
 * batch gets the same coalitions.
 */
export interface ShapleyPlan {
  /** Each coalition to evaluate: membership[i] = 1 when feature i takes the row's value, 0 the baseline's. */
  coalitions: Uint8Array[]
  /** One contribution per feature from the coalition values, in `coalitions` order. */
  combine(values: ArrayLike<number>): number[]
  exact: boolean
}

/**
 * All 2^d coalitions (bit i of the index = feature i).
 * @example
 * const plan = exactPlan(2) // coalitions [0,0] [1,0] [0,1] [1,1]
 * plan.combine([0, 1, 2, 5]) // [2, 3]: f = x0 + 2·x1 + 2·x0·x1 from 0 to 1, the interaction split evenly
 */
export function exactPlan(d: number): ShapleyPlan {
  const size = 2 ** d
  const coalitions = Array.from({ length: size }, (_, mask) => Uint8Array.from({ length: d }, (_, i) => (mask >> i) & 1))
  // weight[s] = s! (d − s − 1)! / d!, built by ratios so it never overflows.
  const weight = new Float64Array(Math.max(d, 1))
  weight[0] = 1 / d
  for (let s = 1; s < d; s++) weight[s] = (weight[s - 1]! * s) / (d - s)
  const popcount = Uint8Array.from({ length: size }, (_, mask) => coalitions[mask]!.reduce((a, b) => a + b, 0))
  return {
    coalitions,
    exact: true,
    combine(values) {
      const phi = new Array<number>(d).fill(0)
      for (let mask = 0; mask < size; mask++) {
        for (let i = 0; i < d; i++) {
          if ((mask >> i) & 1) continue
          phi[i]! += weight[popcount[mask]!]! * (values[mask | (1 << i)]! - values[mask]!)
        }
      }
      return phi
    },
  }
}

/**
 * `permutations` seeded orderings (each drawn one followed by its reverse, which lowers the
 * variance); each adds features one at a time from the baseline to the row, d + 1 coalitions each.
 * @example
 * const plan = sampledPlan(20, 64, 1) // 64 × 21 coalitions instead of 2^20
 */
export function sampledPlan(d: number, permutations: number, seed: number): ShapleyPlan {
  const random = seededRandom(seed)
  const orders: number[][] = []
  while (orders.length < permutations) {
    const order = Array.from({ length: d }, (_, i) => i)
    for (let i = d - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    orders.push(order)
    if (orders.length < permutations) orders.push([...order].reverse())
  }
  const coalitions = orders.flatMap((order) => {
    const chain = [new Uint8Array(d)]
    for (const i of order) {
      const next = Uint8Array.from(chain[chain.length - 1]!)
      next[i] = 1
      chain.push(next)
    }
    return chain
  })
  return {
    coalitions,
    exact: false,
    combine(values) {
      const phi = new Array<number>(d).fill(0)
      orders.forEach((order, p) => {
        const base = p * (d + 1)
        order.forEach((i, k) => {
          phi[i]! += (values[base + k + 1]! - values[base + k]!) / orders.length
        })
      })
      return phi
    },
  }
}

/** Exact up to `maxExact` features, sampled above. */
export function shapleyPlan(d: number, o: { maxExactFeatures: number; permutations: number; seed: number }): ShapleyPlan {
  return d <= o.maxExactFeatures ? exactPlan(d) : sampledPlan(d, o.permutations, o.seed)
}
