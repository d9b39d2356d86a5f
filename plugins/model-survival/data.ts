import { NexoraError } from '../../core/index.ts'

/** Right-censored survival data: one time and one event indicator (1 = event, 0 = censored) per subject. */
export interface SurvivalData {
  times: number[]
  events: number[]
}

/** Check lengths, finiteness and 0/1 events; every entry point calls it so errors are coded, not NaN. */
export function checkSurvivalData({ times, events }: SurvivalData, extra?: { name: string; length: number }): void {
  const fail = (detail: string) => {
    throw new NexoraError('request.invalid', { detail })
  }
  if (times.length === 0) fail('survival data is empty')
  if (times.length !== events.length) fail('times and events must have the same length')
  if (extra && extra.length !== times.length) fail(`${extra.name} must have one entry per subject`)
  if (times.some((t) => !Number.isFinite(t) || t < 0)) fail('times must be finite and non-negative')
  if (events.some((e) => e !== 0 && e !== 1)) fail('events must be 0 (censored) or 1 (event)')
}

/** One distinct time with its risk set size, events and censorings (events count as before censorings). */
export interface TimeStep {
  time: number
  atRisk: number
  events: number
  censored: number
}

/**
 * Collapse the data to its distinct times, ascending. A subject censored at an event time is
 * still at risk at that time (the standard convention, as in R's survfit).
 */
export function timeSteps({ times, events }: SurvivalData): TimeStep[] {
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!)
  const steps: TimeStep[] = []
  let atRisk = times.length
  for (let k = 0; k < order.length; ) {
    const time = times[order[k]!]!
    let d = 0
    let c = 0
    for (; k < order.length && times[order[k]!] === time; k++) events[order[k]!] === 1 ? d++ : c++
    steps.push({ time, atRisk, events: d, censored: c })
    atRisk -= d + c
  }
  return steps
}

/** The value of a right-continuous step function (value 0 before the first step) at `t`. */
export function stepAt(stepTimes: number[], values: number[], t: number, before = 0): number {
  let lo = 0
  let hi = stepTimes.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (stepTimes[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo === 0 ? before : values[lo - 1]!
}
