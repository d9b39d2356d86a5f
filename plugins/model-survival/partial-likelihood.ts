/** How tied event times enter the partial likelihood: Efron's approximation (R's default) or Breslow's. */
export type Ties = 'efron' | 'breslow'

/** Covariates centred on their means (as R does) so exp(βx) stays in range; rows ordered by time. */
export interface CoxDesign {
  x: number[][]
  times: number[]
  events: number[]
  /** Distinct times, descending, each with its subjects (the risk set grows as time goes back). */
  groups: { time: number; members: number[]; deaths: number[] }[]
}

export function coxDesign(x: number[][], times: number[], events: number[]): CoxDesign {
  const order = times.map((_, i) => i).sort((a, b) => times[b]! - times[a]!)
  const groups: CoxDesign['groups'] = []
  for (const i of order) {
    const last = groups.at(-1)
    const group = last && last.time === times[i] ? last : (groups.push({ time: times[i]!, members: [], deaths: [] }), groups.at(-1)!)
    group.members.push(i)
    if (events[i] === 1) group.deaths.push(i)
  }
  return { x, times, events, groups }
}

export interface PartialLikelihood {
  logLikelihood: number
  gradient: number[]
  /** The observed information (minus the Hessian). */
  information: number[][]
}

/** Risk-set sums Σ w, Σ w x, Σ w x xᵀ for w = exp(η). */
class Sums {
  s0 = 0
  s1: number[]
  s2: number[][]
  constructor(p: number) {
    this.s1 = new Array<number>(p).fill(0)
    this.s2 = Array.from({ length: p }, () => new Array<number>(p).fill(0))
  }
  add(w: number, x: number[]) {
    this.s0 += w
    for (let j = 0; j < x.length; j++) {
      this.s1[j]! += w * x[j]!
      for (let k = 0; k <= j; k++) this.s2[j]![k]! += w * x[j]! * x[k]!
    }
  }
}

/**
 * The Cox log partial likelihood, its gradient and information at β. For d tied deaths Efron
 * removes the fraction k/d of the deaths' own weight from the k-th denominator; Breslow keeps
 * the full risk set for all d.
 */
export function partialLikelihood(design: CoxDesign, beta: number[], ties: Ties): PartialLikelihood {
  const p = beta.length
  const eta = design.x.map((row) => row.reduce((t, v, j) => t + v * beta[j]!, 0))
  const risk = new Sums(p)
  let logLikelihood = 0
  const gradient = new Array<number>(p).fill(0)
  const information = Array.from({ length: p }, () => new Array<number>(p).fill(0))
  for (const group of design.groups) {
    for (const i of group.members) risk.add(Math.exp(eta[i]!), design.x[i]!)
    const d = group.deaths.length
    if (d === 0) continue
    const dead = new Sums(p)
    for (const i of group.deaths) {
      dead.add(Math.exp(eta[i]!), design.x[i]!)
      logLikelihood += eta[i]!
      for (let j = 0; j < p; j++) gradient[j]! += design.x[i]![j]!
    }
    for (let k = 0; k < d; k++) {
      const f = ties === 'efron' ? k / d : 0
      const s0 = risk.s0 - f * dead.s0
      logLikelihood -= Math.log(s0)
      const s1 = risk.s1.map((v, j) => (v - f * dead.s1[j]!) / s0)
      for (let j = 0; j < p; j++) {
        gradient[j]! -= s1[j]!
        for (let l = 0; l <= j; l++) information[j]![l]! += (risk.s2[j]![l]! - f * dead.s2[j]![l]!) / s0 - s1[j]! * s1[l]!
      }
    }
  }
  for (let j = 0; j < p; j++) for (let l = j + 1; l < p; l++) information[j]![l] = information[l]![j]!
  return { logLikelihood, gradient, information }
}

/**
 * Baseline cumulative hazard increments at each distinct time (ascending), for risk scores
 * exp(η). Breslow: d / Σ_R w. Efron (R's `ctype = 2`, used by survfit/basehaz after an Efron
 * fit): Σ_{k<d} 1 / (Σ_R w − (k/d) Σ_D w).
 */
export function baselineIncrements(design: CoxDesign, eta: number[], ties: Ties): { times: number[]; increments: number[] } {
  let s0 = 0
  const times: number[] = []
  const increments: number[] = []
  for (const group of design.groups) {
    for (const i of group.members) s0 += Math.exp(eta[i]!)
    const d = group.deaths.length
    const dead = group.deaths.reduce((t, i) => t + Math.exp(eta[i]!), 0)
    let h = 0
    for (let k = 0; k < d; k++) h += 1 / (s0 - (ties === 'efron' ? k / d : 0) * dead)
    times.push(group.time)
    increments.push(h)
  }
  return { times: times.reverse(), increments: increments.reverse() }
}
