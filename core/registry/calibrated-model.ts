import { NexoraError } from '../errors.ts'
import type { LoadedModel, ModelDescription, ModelManifest, ScoreMap } from '../ports/model.ts'
import type { Contribution } from '../ports/values.ts'
import { classifierMetrics } from '../stats/metrics.ts'
import { isotonicRecalibrated, logisticRecalibrated } from '../stats/recalibration.ts'

/** One map applied to a score (core/stats/recalibration.ts holds the arithmetic, shared with the fitting). */
export function applyScoreMap(map: ScoreMap, score: number): number {
  if (map.method === 'logistic') return logisticRecalibrated(score, map.intercept, map.slope)
  if (map.method === 'isotonic') return isotonicRecalibrated(map.x, map.y, score)
  // A stored manifest is data: a method this build does not know must not serve a score it never checked.
  throw new NexoraError('model.load_failed', { detail: `unknown calibration method "${String((map as { method: unknown }).method).slice(0, 32)}"` })
}

/**
 * Wrap a loaded model with the manifest's site recalibration, when it has one: `predict` maps the
 * base score (after any `prior` maps the base version applied), `evaluate` scores the mapped
 * probabilities. Explanations: when every map is logistic they compose into one σ(a + b·logit(p)),
 * so a base that explains on the logit scale stays exact with each contribution times b and the
 * baseline moved to a + b·baseline; otherwise the contributions explain the base score, which
 * `describe()` says, with additivity `none`.
 * @example
 * const model = withCalibration(base, { method: 'logistic', intercept: -0.2, slope: 0.8, base: { version: '1.0.0' } })
 */
export function withCalibration(model: LoadedModel, calibration: ModelManifest['calibration']): LoadedModel {
  if (!calibration) return model
  const maps: ScoreMap[] = [...(calibration.prior ?? []), calibration]
  for (const m of maps) applyScoreMap(m, 0.5) // refuses an unknown method at load, not at the first patient
  const map = (score: number) => maps.reduce((s, m) => applyScoreMap(m, s), score)
  // Logistic maps compose: σ(a₂ + b₂·logit σ(a₁ + b₁·x)) = σ((a₂ + b₂a₁) + b₂b₁·x).
  const linear = maps.every((m) => m.method === 'logistic')
    ? maps.reduce((acc, m) => (m.method === 'logistic' ? { a: m.intercept + m.slope * acc.a, b: m.slope * acc.b } : acc), { a: 0, b: 1 })
    : undefined
  const scaled = (base: ModelDescription) => linear !== undefined && base.additivity === 'logit'
  const methods = maps.map((m) => m.method).join(' then ')

  const predict: LoadedModel['predict'] = async (rows) => (await model.predict(rows)).map((p) => ({ ...p, score: map(p.score) }))
  return {
    describe() {
      const base = model.describe()
      const { baseline, additivity: _additivity, ...rest } = base
      if (scaled(base)) {
        return {
          ...base,
          explanationMethod: `${base.explanationMethod}; each contribution times the site recalibration's slope ${linear!.b} (logit of the served score)`,
          ...(baseline !== undefined ? { baseline: linear!.a + linear!.b * baseline } : {}),
        }
      }
      return {
        ...rest,
        explanationMethod:
          `${base.explanationMethod}; explains the base model's score, before the site's ${methods} recalibration ` +
          '(the contributions do not add up to the served score)',
        additivity: 'none',
      }
    },
    predict,
    async explain(rows) {
      const explanations = await model.explain(rows)
      if (!scaled(model.describe())) return explanations
      return explanations.map((row) => row.map((c): Contribution => ({ ...c, contribution: c.contribution * linear!.b })))
    },
    async evaluate(dataset) {
      const scores = (await predict(dataset.rows)).map((p) => p.score)
      return classifierMetrics(dataset.labels, scores)
    },
    ...(model.dispose ? { dispose: () => model.dispose!() } : {}),
  }
}
