import { NexoraError } from '../../core/index.ts'
import { checkSurvivalData, type SurvivalData } from './data.ts'
import { chiSquareSf } from './distributions.ts'
import { cholesky, choleskySolve } from './linalg.ts'

export interface LogRankResult {
  /** Group labels, sorted (numbers numerically, strings by code point), as R's factor levels. */
  groups: string[]
  n: number[]
  observed: number[]
  expected: number[]
  chisq: number
  df: number
  pValue: number
}

/**
 * The k-group log-rank test, matching R `survdiff(Surv(time, status) ~ group)`: O − E per
 * group with the hypergeometric variance, χ² on k − 1 degrees of freedom (last group dropped,
 * which gives the same statistic as R's generalised inverse).
 * @example
 * logRankTest({ times: [1, 2, 3, 4], events: [1, 1, 1, 0], groups: ['a', 'b', 'a', 'b'] }).pValue
 */
export function logRankTest(data: SurvivalData & { groups: (string | number)[] }): LogRankResult {
  checkSurvivalData(data, { name: 'groups', length: data.groups.length })
  const { times, events } = data
  const numeric = data.groups.every((g) => typeof g === 'number')
  const labels = [...new Set(data.groups)].sort((a, b) =>
    numeric ? (a as number) - (b as number) : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  )
  const k = labels.length
  if (k < 2) throw new NexoraError('request.invalid', { detail: 'the log-rank test needs at least two groups' })
  const g = data.groups.map((x) => labels.indexOf(x))
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!)
  const atRisk = new Array<number>(k).fill(0)
  g.forEach((x) => atRisk[x]!++)
  const n = [...atRisk]
  const observed = new Array<number>(k).fill(0)
  const expected = new Array<number>(k).fill(0)
  const variance = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  for (let a = 0; a < order.length; ) {
    const time = times[order[a]!]!
    let b = a
    const deaths = new Array<number>(k).fill(0)
    for (; b < order.length && times[order[b]!] === time; b++) if (events[order[b]!] === 1) deaths[g[order[b]!]!]!++
    const d = deaths.reduce((s, v) => s + v, 0)
    const total = atRisk.reduce((s, v) => s + v, 0)
    if (d > 0) {
      for (let i = 0; i < k; i++) {
        observed[i]! += deaths[i]!
        expected[i]! += (d * atRisk[i]!) / total
        if (total > 1) {
          const c = (d * (total - d)) / (total - 1)
          for (let j = 0; j < k; j++) variance[i]![j]! += c * (atRisk[i]! / total) * ((i === j ? 1 : 0) - atRisk[j]! / total)
        }
      }
    }
    for (; a < b; a++) atRisk[g[order[a]!]!]!--
  }
  const diff = observed.slice(0, k - 1).map((o, i) => o - expected[i]!)
  const l = cholesky(variance.slice(0, k - 1).map((row) => row.slice(0, k - 1)))
  if (!l) throw new NexoraError('request.invalid', { detail: 'the log-rank variance is singular (a group has no one at risk at any event)' })
  const solved = choleskySolve(l, diff)
  const chisq = diff.reduce((s, v, i) => s + v * solved[i]!, 0)
  return { groups: labels.map(String), n, observed, expected, chisq, df: k - 1, pValue: chiSquareSf(chisq, k - 1) }
}
