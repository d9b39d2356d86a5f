import { checkSurvivalData, timeSteps, type SurvivalData } from './data.ts'

export interface NelsonAalenResult {
  /** Every distinct time (event or censoring), ascending. */
  times: number[]
  cumulativeHazard: number[]
  /** sqrt(Σ d / n²): the Poisson-type variance R's survfit reports as `std.chaz`. */
  stdErr: number[]
  atRisk: number[]
  events: number[]
}

/**
 * The Nelson–Aalen cumulative hazard H(t) = Σ_{tᵢ ≤ t} dᵢ / nᵢ, as R `survfit(...)$cumhaz`.
 * @example
 * nelsonAalen({ times: [5, 8, 8, 12], events: [1, 1, 0, 1] }).cumulativeHazard // [0.25, 0.5833…, 0.5833…, 1.5833…]
 */
export function nelsonAalen(data: SurvivalData): NelsonAalenResult {
  checkSurvivalData(data)
  const result: NelsonAalenResult = { times: [], cumulativeHazard: [], stdErr: [], atRisk: [], events: [] }
  let h = 0
  let v = 0
  for (const step of timeSteps(data)) {
    h += step.events / step.atRisk
    v += step.events / step.atRisk ** 2
    result.times.push(step.time)
    result.cumulativeHazard.push(h)
    result.stdErr.push(Math.sqrt(v))
    result.atRisk.push(step.atRisk)
    result.events.push(step.events)
  }
  return result
}
