import semver from 'semver'
import {
  NexoraError,
  safeName,
  tagMetrics,
  type AuditLogger,
  type Clock,
  type ModelManifest,
  type ModelRegistry,
  type ModelStore,
  type PredictionLog,
  type ScoreCalibration,
  type ScoreMap,
} from '../../../core/index.ts'
import '../errors.ts'
import { crossValidateRecalibration, type CalibrationMetrics } from '../recalibration/cross-validate.ts'
import { fitScoreMap, type RecalibrationMethod } from '../recalibration/fit.ts'

export interface RecalibrationRequest {
  model: string
  /** The version whose logged predictions and outcomes are fitted, and whose files the new version reuses. */
  version: string
  method: RecalibrationMethod
  /** Inclusive ISO-8601 lower bound on the prediction time. */
  from?: string
  /** Exclusive upper bound. */
  to?: string
  /** Default: the next patch above every registered version of the model. */
  newVersion?: string
  /** Cross-validation folds (default 5) and the seed of their draw (default 0). */
  folds?: number
  seed?: number
}

export interface RecalibrationDeps {
  log: PredictionLog
  registry: ModelRegistry
  store: Pick<ModelStore, 'getFiles'>
  clock: Clock
  /** The model's outcome horizon (ms), as the reports join outcomes. */
  horizonMs(model: string): number
  /** Fewest predictions with a known outcome to fit on. Default 100. */
  minOutcomes?: number
  /** Rows read at most (the oldest in the window). Default 200 000. */
  maxRows?: number
}

export interface RecalibrationResult {
  model: string
  /** The new version: registered, stage `none`; it goes through shadow, approval and canary like any other. */
  version: string
  base: string
  method: RecalibrationMethod
  window: { from: string | null; to: string | null }
  horizonDays: number
  /** Predictions with a known outcome fitted on, and how many of them had the event. */
  n: number
  positives: number
  calibration: ScoreCalibration
  /** Logistic only: standard errors of the intercept and slope (inverse Fisher information). */
  standardErrors?: { intercept: number; slope: number }
  /** Seeded stratified k-fold: the model's scores (`before`) and the out-of-fold recalibrated ones (`after`), on the same rows. */
  cv: { folds: number; seed: number; before: CalibrationMetrics; after: CalibrationMetrics }
}

const DAY = 86_400_000
const MIN_PER_CLASS = 10

/** The map of a calibration without its bookkeeping, to stack under a new one. */
const mapOf = (c: ScoreCalibration): ScoreMap =>
  c.method === 'logistic' ? { method: c.method, intercept: c.intercept, slope: c.slope } : { method: c.method, x: c.x, y: c.y }

/** The cross-validated figures as held-out metrics (`heldout_brier`, …); an undefined one (null) is left out. */
const heldout = (m: CalibrationMetrics) =>
  tagMetrics('heldout', Object.fromEntries(Object.entries(m).flatMap(([k, v]) => (typeof v === 'number' && Number.isFinite(v) ? [[k, v]] : []))))

async function newVersionFor(registry: ModelRegistry, model: string, wanted: string | undefined): Promise<string> {
  const existing = (await registry.get(model)).versions.map((v) => v.version)
  if (wanted !== undefined) {
    if (!semver.valid(wanted)) throw new NexoraError('request.invalid', { detail: `newVersion "${safeName(wanted)}" is not semver` })
    if (existing.includes(wanted)) throw new NexoraError('model.version_exists', { detail: `${safeName(model)}@${safeName(wanted)}` })
    return wanted
  }
  const highest = existing.filter((v) => semver.valid(v)).sort(semver.rcompare)[0]
  return highest ? semver.inc(highest, 'patch')! : '0.0.1'
}

/**
 * Local recalibration: fit the map from `model@version`'s logged scores to the outcomes joined to
 * them in the window, cross-validate it, and register it as a new version wrapping the same files
 * (core/registry/calibrated-model.ts applies it). Nothing is promoted. A base that is itself a
 * recalibration keeps its maps as `prior`, so the new map stacks on the scores it actually served.
 * @example
 * await recalibrate(deps, { model: 'readmission-risk', version: '1.0.0', method: 'logistic' }, 'dr-ops')
 */
export async function recalibrate(deps: RecalibrationDeps, req: RecalibrationRequest, by = 'system'): Promise<RecalibrationResult> {
  const { model, method, folds = 5, seed = 0 } = req
  if (!Number.isInteger(folds) || folds < 2 || folds > 20 || !Number.isInteger(seed) || seed < 0)
    throw new NexoraError('request.invalid', { detail: 'folds is an integer from 2 to 20, seed a non-negative integer' })
  const base = await deps.registry.getVersion(model, req.version)
  const version = await newVersionFor(deps.registry, model, req.newVersion)
  const horizonMs = deps.horizonMs(model)
  const rows = await deps.log.window({ model, version: base.version, from: req.from, to: req.to, limit: deps.maxRows ?? 200_000 }, horizonMs)
  const labelled = rows.filter((r) => r.outcome === 0 || r.outcome === 1)
  const [labels, scores] = [labelled.map((r) => r.outcome!), labelled.map((r) => r.score)]
  const positives = labels.reduce((s, y) => s + y, 0)
  const [minN, perClass] = [deps.minOutcomes ?? 100, Math.max(folds, MIN_PER_CLASS)]
  if (labelled.length < minN || positives < perClass || labelled.length - positives < perClass)
    throw new NexoraError('monitoring.insufficient_outcomes', {
      detail:
        `${labelled.length} predictions of ${safeName(model)}@${base.version} have an outcome in the window (${positives} with the event); ` +
        `at least ${minN}, and ${perClass} of each outcome, are needed`,
    })
  if (scores.some((s) => !(s >= 0 && s <= 1)))
    throw new NexoraError('monitoring.recalibration_failed', { detail: 'only scores that are probabilities (0–1) can be recalibrated' })

  const fitted = fitScoreMap(method, labels, scores)
  if (fitted.map.method === 'logistic' && !(fitted.map.slope > 0))
    throw new NexoraError('monitoring.recalibration_failed', { detail: 'the fitted slope is not positive: the scores do not rank these outcomes' })
  const cv = crossValidateRecalibration(labels, scores, { method, folds, seed })
  const previous = base.manifest.calibration
  const prior = previous ? [...(previous.prior ?? []), mapOf(previous)] : []
  const calibration: ScoreCalibration = { ...fitted.map, base: { version: base.version }, ...(prior.length ? { prior } : {}) }
  const window = { from: req.from ?? null, to: req.to ?? null }
  const standardErrors = fitted.logistic?.standardErrors
  const summary = { before: cv.before, after: cv.after }

  // The base's signature covers the base's manifest only: the new version is unsigned until signed again.
  const { signature: _signature, calibration: _previous, ...rest } = base.manifest
  const manifest: ModelManifest = {
    ...rest,
    version,
    calibration,
    training: {
      ...base.manifest.training,
      recalibration: {
        method,
        base: base.version,
        window,
        horizonDays: horizonMs / DAY,
        n: labelled.length,
        positives,
        folds,
        seed,
        fittedAt: new Date(deps.clock.now()).toISOString(),
        ...(standardErrors ? { standardErrors } : {}),
        cv: summary,
      },
    },
    metrics: heldout(cv.after),
  }
  const files = await deps.store.getFiles(model, base.version)
  if (!files) throw new NexoraError('model.version_not_found', { detail: `${safeName(model)}@${base.version}` })
  await deps.registry.register(manifest, files, by)
  return {
    model,
    version,
    base: base.version,
    method,
    window,
    horizonDays: horizonMs / DAY,
    n: labelled.length,
    positives,
    calibration,
    ...(standardErrors ? { standardErrors } : {}),
    cv: { folds, seed, ...summary },
  }
}

/** Who asks, for the audit trail: the HTTP route passes its caller and request id, the CLI the operator. */
export interface RecalibrationActor {
  audit: AuditLogger
  subject: string
  requestId?: string
  ip?: string
}

/**
 * `recalibrate`, audited as `model.recalibrate` whether it succeeds or is refused (the refusal's
 * code as the reason). The event holds ids, versions, counts and codes: never a row of the window.
 */
export async function recalibrateAudited(deps: RecalibrationDeps, req: RecalibrationRequest, actor: RecalibrationActor): Promise<RecalibrationResult> {
  const audit = (outcome: 'success' | 'failure', context: Record<string, unknown>, reason?: string) =>
    actor.audit.logDataAccess({
      userId: actor.subject,
      action: 'model.recalibrate',
      outcome,
      reason,
      requestId: actor.requestId,
      ip: actor.ip,
      context: { model: req.model, base: req.version, method: req.method, from: req.from ?? null, to: req.to ?? null, ...context },
    })
  let result: RecalibrationResult
  try {
    result = await recalibrate(deps, req, actor.subject)
  } catch (error) {
    await audit('failure', {}, error instanceof NexoraError ? error.code : 'internal')
    throw error
  }
  await audit('success', { version: result.version, n: result.n, positives: result.positives, folds: result.cv.folds, seed: result.cv.seed })
  return result
}
