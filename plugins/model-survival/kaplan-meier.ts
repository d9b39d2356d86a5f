import { checkSurvivalData, timeSteps, type SurvivalData } from './data.ts'
import { normalQuantile } from './distributions.ts'

/** How a confidence interval for S(t) is built; `log` is R survfit's default. */
export type ConfType = 'log' | 'log-log' | 'plain'

export interface KaplanMeierOptions {
  confType?: ConfType
  /** Default 0.95. */
  confLevel?: number
}

export interface KaplanMeierResult {
  /** Every distinct time (event or censoring), ascending, as R's survfit reports them. */
  times: number[]
  survival: number[]
  /** Greenwood standard error of −log S(t) (R's `std.err`): sqrt(Σ d / (n (n − d))). */
  stdErr: number[]
  /** NaN where the interval is undefined (S = 0, or S = 1 for log-log), as R's NA. */
  lower: number[]
  upper: number[]
  atRisk: number[]
  events: number[]
  censored: number[]
  confType: ConfType
  confLevel: number
}

/**
 * Pointwise confidence limits for S from the standard error of log S, exactly as R's
 * `survfit_confint` (upper limit capped at 1 for `log` and `plain`, lower floored at 0 for `plain`).
 */
export function survivalInterval(s: number, se: number, z: number, confType: ConfType): [number, number] {
  if (confType === 'plain') return [Math.max(s - z * se * s, 0), Math.min(s + z * se * s, 1)]
  if (confType === 'log') return s === 0 ? [Number.NaN, Number.NaN] : [Math.exp(Math.log(s) - z * se), Math.min(Math.exp(Math.log(s) + z * se), 1)]
  if (s === 0 || s === 1) return [Number.NaN, Number.NaN]
  const w = (z * se) / Math.log(s)
  const loglog = Math.log(-Math.log(s))
  return [Math.exp(-Math.exp(loglog - w)), Math.exp(-Math.exp(loglog + w))]
}

/**
 * The Kaplan–Meier estimate with Greenwood's variance and pointwise confidence intervals,
 * matching R `survfit(Surv(time, status) ~ 1)` (events before censorings at tied times).
 * @example
 * const km = kaplanMeier({ times: [5, 8, 8, 12], events: [1, 1, 0, 1] }, { confType: 'log-log' })
 * km.survival // [0.75, 0.5, 0.5, 0]
 */
export function kaplanMeier(data: SurvivalData, options: KaplanMeierOptions = {}): KaplanMeierResult {
  checkSurvivalData(data)
  const confType = options.confType ?? 'log'
  const confLevel = options.confLevel ?? 0.95
  const z = normalQuantile(1 - (1 - confLevel) / 2)
  const steps = timeSteps(data)
  const result: KaplanMeierResult = { times: [], survival: [], stdErr: [], lower: [], upper: [], atRisk: [], events: [], censored: [], confType, confLevel }
  let s = 1
  let greenwood = 0
  for (const step of steps) {
    if (step.events > 0) {
      s *= 1 - step.events / step.atRisk
      // n = d makes the term infinite: log S is −∞ there, and R reports its std.err as Inf/NaN too.
      greenwood += step.events / (step.atRisk * (step.atRisk - step.events))
    }
    const se = Math.sqrt(greenwood)
    const [lower, upper] = survivalInterval(s, se, z, confType)
    result.times.push(step.time)
    result.survival.push(s)
    result.stdErr.push(se)
    result.lower.push(lower)
    result.upper.push(upper)
    result.atRisk.push(step.atRisk)
    result.events.push(step.events)
    result.censored.push(step.censored)
  }
  return result
}
