import { NexoraError, type Contribution, type Dataset, type LoadedModel, type ModelManifest, type Row } from '../../core/index.ts'
import type { CoxArtifact } from './artifact.ts'
import { encodeRows } from './columns.ts'
import { concordanceIndex } from './concordance.ts'
import { stepAt } from './data.ts'
import { kaplanMeier } from './kaplan-meier.ts'
import { coxDesign, partialLikelihood } from './partial-likelihood.ts'

/** Covariates centred on the training means (a missing optional value is 0, the mean). */
const centredX = (artifact: CoxArtifact, rows: Row[]) => encodeRows(rows, artifact.columns, artifact.mean).map((x) => x.map((v, j) => v - artifact.mean[j]!))

/** Per-column β_j (x_j − mean_j): the log partial hazard relative to the average training subject. */
const centredTerms = (artifact: CoxArtifact, rows: Row[]) => centredX(artifact, rows).map((x) => x.map((v, j) => artifact.coef[j]! * v))

const sum = (terms: number[]) => terms.reduce((t, v) => t + v, 0)

/**
 * The event probability by the horizon, 1 − S(h | x) = 1 − exp(−H₀c(h) e^{η}), with η the
 * centred log partial hazard. −expm1 keeps it exact for small risks, so the harness's
 * inverse log(−log(1 − s)) − log H₀c(h) gives η back to ~1e-15.
 */
export const horizonRisk = (artifact: CoxArtifact, eta: number) => -Math.expm1(-artifact.baselineAtHorizon * Math.exp(eta))

/** The inverse of `horizonRisk`: η from a score (the additive scale of the explanations). */
export const logHazardFromRisk = (artifact: CoxArtifact, score: number) => Math.log(-Math.log1p(-score)) - Math.log(artifact.baselineAtHorizon)

/**
 * A fitted Cox model. `score` is the probability of the event by the horizon. Explanations
 * are exact: β_j (x_j − mean_j) per feature (summed over a category's columns), adding up to
 * the log partial hazard relative to the mean subject, `logHazardFromRisk(score)`, baseline 0.
 */
export function createCoxModel(manifest: ModelManifest, artifact: CoxArtifact): LoadedModel {
  const predict = async (rows: Row[]) => centredTerms(artifact, rows).map((terms) => ({ score: horizonRisk(artifact, sum(terms)) }))
  return {
    describe: () => ({
      inputs: manifest.inputs,
      outputs: manifest.outputs,
      card: manifest.card,
      featureSpec: manifest.featureSpec,
      explanationMethod:
        `coefficient × (value − training mean), on the log partial hazard (exact; output = log(−log(1 − risk)) − log ` +
        `H₀(${artifact.horizon}) at the mean subject)`,
      additivity: 'output',
      baseline: 0,
    }),
    predict,
    async explain(rows) {
      return centredTerms(artifact, rows).map((terms, i) => {
        const byFeature = new Map<string, number>()
        artifact.columns.forEach((col, j) => byFeature.set(col.feature, (byFeature.get(col.feature) ?? 0) + terms[j]!))
        return [...byFeature].map(([feature, contribution]): Contribution => ({ feature, value: rows[i]!.features[feature] ?? null, contribution }))
      })
    },
    async evaluate(dataset: Dataset) {
      const { times, labels: events } = dataset
      if (!times || times.length !== dataset.rows.length || events.length !== dataset.rows.length) {
        throw new NexoraError('request.invalid', { detail: 'survival evaluation needs one time and one event label per row' })
      }
      const x = centredX(artifact, dataset.rows)
      const eta = x.map((row) => sum(row.map((v, j) => artifact.coef[j]! * v)))
      const { logLikelihood } = partialLikelihood(coxDesign(x, times, events), artifact.coef, artifact.ties)
      const km = kaplanMeier({ times, events })
      const risks = eta.map((e) => horizonRisk(artifact, e))
      // Calibration-in-the-large at the horizon: mean predicted risk vs the Kaplan–Meier risk.
      return {
        cIndex: concordanceIndex({ times, events }, eta).concordance,
        logLikelihood,
        meanPredictedRisk: risks.reduce((s, r) => s + r, 0) / risks.length,
        observedRisk: 1 - stepAt(km.times, km.survival, artifact.horizon, 1),
      }
    },
  }
}
