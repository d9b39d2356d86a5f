import { definePlugin, NexoraError, tagMetrics, type Dataset, type ModelPlugin, type TrainOptions } from '../../core/index.ts'
import { ARTIFACT_FILE, decodeArtifact, encodeArtifact, type CoxArtifact } from './artifact.ts'
import { columnName, columnsFor, encodeRows } from './columns.ts'
import { fitCox } from './cox.ts'
import { stepAt } from './data.ts'
import { createCoxModel } from './model.ts'
import type { Ties } from './partial-likelihood.ts'

export interface CoxTrainOptions extends TrainOptions {
  /** The horizon (same unit as `times`, days) for the score 1 − S(horizon | x). Default 365. */
  horizonDays?: number
  ties?: Ties
  l2?: number
  threshold?: number
}

/** The `cox` ModelPlugin: Cox proportional hazards in pure TypeScript; score = P(event by the horizon). */
export const coxModelPlugin: ModelPlugin = {
  kind: 'cox',
  async load(artifact) {
    return createCoxModel(artifact.manifest, decodeArtifact(artifact.files[ARTIFACT_FILE]))
  },
  async train(dataset: Dataset, options: CoxTrainOptions, onProgress) {
    const fail = (detail: string, cause?: unknown): never => {
      throw new NexoraError('model.train_failed', { detail, cause })
    }
    const { rows, labels, times } = dataset
    if (rows.length === 0 || rows.length !== labels.length || times?.length !== rows.length)
      fail('rows, labels (events) and times must be non-empty and of equal length')
    const horizon = options.horizonDays ?? 365
    if (!(horizon > 0)) fail('horizonDays must be positive')
    const ties = options.ties ?? 'efron'
    const l2 = options.l2 ?? 0
    const columns = columnsFor(options.inputs)
    const raw = encodeRows(rows, columns)
    // Missing optional values are filled with the column mean of the observed values.
    const mean = columns.map((_, j) => {
      const seen = raw.map((r) => r[j]!).filter((v) => !Number.isNaN(v))
      return seen.reduce((s, v) => s + v, 0) / seen.length
    })
    const covariates = raw.map((r) => r.map((v, j) => (Number.isNaN(v) ? mean[j]! : v)))
    let fit: ReturnType<typeof fitCox>
    try {
      fit = fitCox({ times: times!, events: labels, covariates, names: columns.map(columnName) }, { ties, l2 })
    } catch (cause) {
      return fail(cause instanceof NexoraError ? String(cause.message) : 'the Cox fit failed', cause)
    }
    if (!fit.converged) fail(`Newton–Raphson did not converge in ${fit.iterations} iterations`)
    onProgress?.({ epoch: fit.iterations, epochs: fit.iterations, loss: -fit.logLikelihood / rows.length })
    const baselineAtHorizon = stepAt(fit.baselineCentered.times, fit.baselineCentered.cumulativeHazard, horizon)
    if (!(baselineAtHorizon > 0)) fail(`no events by the horizon (${horizon}): the risk would be 0 for everyone`)
    const artifact: CoxArtifact = {
      format: 'nexora-cox-v1',
      columns,
      mean: Object.values(fit.means),
      coef: Object.values(fit.coefficients),
      ties,
      horizon,
      baselineAtHorizon,
      baseline: fit.baselineCentered,
    }
    const manifest = {
      name: options.name,
      version: options.version,
      kind: 'cox',
      inputs: options.inputs,
      outputs: [{ name: 'risk', type: 'probability' as const, description: `P(event by ${horizon} days) = 1 − S(${horizon} | x)` }],
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      explanationMethod: 'coefficient × (value − training mean), log partial hazard',
      training: {
        rows: rows.length,
        events: fit.events,
        ties,
        l2,
        horizonDays: horizon,
        iterations: fit.iterations,
        logLikelihood: fit.logLikelihood,
        nullLogLikelihood: fit.nullLogLikelihood,
        coefficients: fit.coefficients,
        standardErrors: fit.standardErrors,
      },
    }
    const model = createCoxModel(manifest, artifact)
    return { manifest: { ...manifest, metrics: tagMetrics('insample', await model.evaluate(dataset)) }, files: { [ARTIFACT_FILE]: encodeArtifact(artifact) } }
  },
}

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), coxModel()] })
 */
export function coxModel() {
  return definePlugin({ name: 'model-survival', provides: 'model', setup: () => coxModelPlugin })
}

export { kaplanMeier, survivalInterval, type ConfType, type KaplanMeierOptions, type KaplanMeierResult } from './kaplan-meier.ts'
export { nelsonAalen, type NelsonAalenResult } from './nelson-aalen.ts'
export { fitCox, type CoxData, type CoxFit, type CoxOptions } from './cox.ts'
export { concordanceIndex, type ConcordanceResult } from './concordance.ts'
export { logRankTest, type LogRankResult } from './log-rank.ts'
export { createCoxModel, horizonRisk, logHazardFromRisk } from './model.ts'
export { decodeArtifact, type CoxArtifact } from './artifact.ts'
export type { SurvivalData } from './data.ts'
export type { Ties } from './partial-likelihood.ts'
