import { NexoraError } from '../../core/index.ts'
import { checkSurvivalData, type SurvivalData } from './data.ts'

export interface ConcordanceResult {
  /** (concordant + tiedRisk / 2) / (concordant + discordant + tiedRisk). */
  concordance: number
  concordant: number
  discordant: number
  /** Comparable pairs with equal risk: each counts one half. */
  tiedRisk: number
  /** Pairs of events at the same time with different risks: not comparable, reported only (R's `tied.y`; R counts those also tied on risk as `tied.xy`). */
  tiedTime: number
}

/**
 * Harrell's concordance index for a risk score (higher = earlier event), matching R
 * `survival::concordance(Surv(time, status) ~ risk, reverse = TRUE)` and lifelines'
 * `concordance_index(time, -risk, event)`. A pair is comparable when the earlier time is an
 * event; an event and a censoring at the same time are comparable (the censored subject
 * outlived the event, as in the Cox risk set); two events at the same time are not.
 * O(n²), fine for evaluation-sized data.
 * @example
 * concordanceIndex({ times: [1, 2, 3], events: [1, 1, 0] }, [3, 2, 1]).concordance // 1
 */
export function concordanceIndex(data: SurvivalData, risk: number[]): ConcordanceResult {
  checkSurvivalData(data, { name: 'risk', length: risk.length })
  if (risk.some((r) => Number.isNaN(r))) throw new NexoraError('request.invalid', { detail: 'risk scores must be numbers' })
  const { times, events } = data
  let concordant = 0
  let discordant = 0
  let tiedRisk = 0
  let tiedTime = 0
  for (let i = 0; i < times.length; i++) {
    if (events[i] !== 1) continue
    for (let j = 0; j < times.length; j++) {
      if (j === i) continue
      if (times[j]! < times[i]!) continue
      if (times[j] === times[i] && events[j] === 1) {
        if (j > i && risk[i] !== risk[j]) tiedTime++
        continue
      }
      if (risk[i]! > risk[j]!) concordant++
      else if (risk[i]! < risk[j]!) discordant++
      else tiedRisk++
    }
  }
  const comparable = concordant + discordant + tiedRisk
  return { concordance: comparable === 0 ? Number.NaN : (concordant + tiedRisk / 2) / comparable, concordant, discordant, tiedRisk, tiedTime }
}
