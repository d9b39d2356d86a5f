import { isotonicRecalibrated, logisticRecalibrated, NexoraError, type ScoreMap } from '../../../core/index.ts'
import '../errors.ts'
import { isotonicKnots } from './isotonic.ts'
import { fitLogisticRecalibration, type LogisticFit } from './logistic.ts'

export const RECALIBRATION_METHODS = ['logistic', 'isotonic'] as const
export type RecalibrationMethod = (typeof RECALIBRATION_METHODS)[number]

/** A fitted map, with the logistic fit's standard errors when the method is logistic. */
export interface FittedScoreMap {
  map: ScoreMap
  logistic?: LogisticFit
}

/**
 * Fit a recalibration map of outcomes (0/1) on scores. A logistic fit that does not converge (the
 * score separates the outcomes, or one class is absent) is `monitoring.recalibration_failed`.
 * @example fitScoreMap('isotonic', labels, scores).map // { method: 'isotonic', x: […], y: […] }
 */
export function fitScoreMap(method: RecalibrationMethod, labels: ArrayLike<number>, scores: ArrayLike<number>): FittedScoreMap {
  if (method === 'isotonic') return { map: { method, ...isotonicKnots(labels, scores) } }
  const fit = fitLogisticRecalibration(labels, scores)
  if (!fit.converged)
    throw new NexoraError('monitoring.recalibration_failed', { detail: 'the logistic recalibration did not converge (do the scores separate the outcomes?)' })
  return { map: { method, intercept: fit.intercept, slope: fit.slope }, logistic: fit }
}

/** The recalibrated score: the same arithmetic the registered version serves (core/registry/calibrated-model.ts). */
export function mapScore(map: ScoreMap, score: number): number {
  return map.method === 'logistic' ? logisticRecalibrated(score, map.intercept, map.slope) : isotonicRecalibrated(map.x, map.y, score)
}
