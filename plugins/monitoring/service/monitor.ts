import {
  NexoraError,
  safeName,
  sha256Hex,
  type Clock,
  type ModelRegistry,
  type ModelStore,
  type PredictionLog,
  type StoredVersion,
} from '../../../core/index.ts'
import '../errors.ts'
import type { AlertEngine, Observation } from './alerts.ts'
import { estimatedPerformanceReport, type EstimatedQuery } from './estimated.ts'
import { parseProfile, PROFILE_FILE } from './profile.ts'
import { driftFromColumns, fairnessReport, logColumns, performanceReport, type ReportOptions } from './reports.ts'

export interface WindowQuery {
  model: string
  version?: string
  from?: string
  to?: string
}

export interface MonitorOptions {
  log: PredictionLog
  store: ModelStore
  registry: ModelRegistry
  alerts: AlertEngine
  clock: Clock
  /** The outcome horizon per model (days); a number applies to every model. Default 30. */
  horizonDays?: number | Record<string, number>
  /** Feature attributes `evaluate()` reports fairness over. Default none. */
  fairnessAttributes?: string[]
  /** How far back `evaluate()` looks. Default 30 days. */
  evaluationWindowDays?: number
  /** Rows read per report at most (the oldest in the window). Default 200 000. */
  maxRows?: number
  /** The version a model's canary serves, if any (evaluated beside the serving one). */
  canaryOf?: (model: string) => Promise<string | undefined>
  /** Reports on fewer rows (labelled rows for performance and fairness) set no gauge and fire no rule. Default 50. */
  minSamples?: number
}

const DAY = 86_400_000
const FAIRNESS_MEASURES = {
  demographic_parity_difference: 'demographicParityDifference',
  equal_opportunity_difference: 'equalOpportunityDifference',
  equalized_odds_difference: 'equalizedOddsDifference',
  predictive_parity_difference: 'predictiveParityDifference',
} as const

/**
 * The monitoring service: reports over the prediction log (performance, fairness, drift), each
 * feeding the alert engine and its gauges, and `evaluate()` that runs them for every model's
 * serving version on a schedule.
 */
export function createMonitor(o: MonitorOptions) {
  const horizonMs = (model: string) => (typeof o.horizonDays === 'number' ? o.horizonDays : (o.horizonDays?.[model] ?? 30)) * DAY
  const rows = (q: WindowQuery) => o.log.window({ ...q, limit: o.maxRows ?? 200_000 }, horizonMs(q.model))
  const serving = (q: WindowQuery): Promise<StoredVersion> => (q.version ? o.registry.getVersion(q.model, q.version) : o.registry.resolve(q.model))
  // A PSI of 12 on one prediction is noise, not drift: small reports are returned but not alerted on.
  const observe = (n: number, list: Observation[]) => {
    if (n >= (o.minSamples ?? 50)) o.alerts.observe(list)
  }

  async function performance(q: WindowQuery, options: ReportOptions = {}) {
    const stored = await serving(q)
    const report = performanceReport(await rows(q), { threshold: stored.manifest.threshold, ...options })
    const labels = { model: q.model, version: q.version ?? 'all' }
    observe(report.n, [
      { quantity: 'auroc', ...labels, value: report.auroc?.estimate ?? Number.NaN },
      { quantity: 'auprc', ...labels, value: report.auprc?.estimate ?? Number.NaN },
      { quantity: 'brier', ...labels, value: report.brier?.estimate ?? Number.NaN },
      { quantity: 'ece', ...labels, value: report.ece ?? Number.NaN },
      { quantity: 'calibration_slope', ...labels, value: report.calibration?.slope ?? Number.NaN },
    ])
    return { model: q.model, version: q.version ?? null, window: { from: q.from ?? null, to: q.to ?? null }, horizonDays: horizonMs(q.model) / DAY, ...report }
  }

  async function fairness(q: WindowQuery, attributes: string[], options: { threshold?: number; minGroupSize?: number } = {}) {
    const stored = await serving(q)
    const known = new Set(stored.manifest.inputs.map((i) => i.name))
    const unknown = attributes.filter((a) => !known.has(a))
    if (unknown.length)
      throw new NexoraError('request.invalid', { detail: `not a feature of ${safeName(q.model)}: ${unknown.slice(0, 5).map(safeName).join(', ')}` })
    const window = await rows(q)
    if (window.length > 0 && window.every((r) => r.features === null)) throw new NexoraError('monitoring.features_not_logged')
    const report = fairnessReport(window, attributes, { threshold: stored.manifest.threshold, ...options })
    const attribute = attributes.join('×')
    observe(
      report.n,
      Object.entries(FAIRNESS_MEASURES).map(([measure, key]) => ({
        quantity: 'fairness_gap' as const,
        model: q.model,
        version: q.version ?? 'all',
        attribute,
        measure,
        value: (report.disparities[key] as number | null) ?? Number.NaN,
      })),
    )
    return { model: q.model, version: q.version ?? null, window: { from: q.from ?? null, to: q.to ?? null }, ...report }
  }

  /** Reference: `training` (the version's stored profile) or an earlier window `<from>/<to>`. */
  async function drift(q: WindowQuery, reference: string) {
    const stored = await serving(q)
    const version = stored.version
    const features = stored.manifest.inputs.map((i) => i.name)
    const current = await rows({ ...q, version })
    let ref: Record<string, readonly unknown[]>
    if (reference === 'training') {
      const bytes = (await o.store.getFiles(q.model, version))?.[PROFILE_FILE]
      const expected = stored.manifest.files?.[PROFILE_FILE]
      if (bytes && expected && (await sha256Hex(bytes)) !== expected)
        throw new NexoraError('model.artifact_corrupt', { detail: `${q.model}@${version}/${PROFILE_FILE}` })
      const profile = parseProfile(bytes)
      if (!profile) throw new NexoraError('monitoring.no_reference', { detail: `${q.model}@${version} has no training profile; use reference=<from>/<to>` })
      ref = { ...profile.columns, score: profile.score }
    } else {
      const [from, to] = reference.split('/')
      if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)))
        throw new NexoraError('request.invalid', { detail: 'reference is "training" or an interval "<from>/<to>" of ISO-8601 times' })
      ref = logColumns(await rows({ model: q.model, version, from, to }), features)
    }
    const logged = current.some((r) => r.features !== null)
    const report = driftFromColumns(ref, logColumns(current, logged ? features : []))
    observe(
      current.length,
      Object.entries(report.columns).map(([feature, c]) => ({ quantity: 'psi' as const, model: q.model, version, feature, value: c.psi })),
    )
    return { model: q.model, version, reference, window: { from: q.from ?? null, to: q.to ?? null }, n: current.length, featuresLogged: logged, ...report }
  }

  /** CBPE: performance estimated from the scores, beside the realised values where outcomes are in (estimated.ts). */
  const estimatedPerformance = (q: EstimatedQuery) =>
    estimatedPerformanceReport(
      { rows, serving, observe, now: () => o.clock.now(), horizonMs, minSamples: o.minSamples ?? 50, windowDays: o.evaluationWindowDays ?? 30 },
      q,
    )

  /** Run every report for each model's serving version over the evaluation window; errors per model are counted, not thrown. */
  /** Every report for one version over [from, to); errors per report are collected as codes. */
  async function evaluateVersion(model: string, version: string, from: string, to: string) {
    const errors: string[] = []
    const failed = (e: unknown) => {
      errors.push((e as NexoraError).code ?? 'internal')
    }
    const stored = await o.registry.getVersion(model, version)
    const q = { model, version, from, to }
    const n = (await performance(q, { bootstrap: 0 })).n
    await drift(q, 'training').catch(failed)
    await estimatedPerformance({ ...q, chunks: 1 }).catch(failed)
    const inputs = new Set(stored.manifest.inputs.map((i) => i.name))
    const attributes = (o.fairnessAttributes ?? []).filter((a) => inputs.has(a))
    if (attributes.length) await fairness(q, attributes).catch(failed)
    return { version, n, errors }
  }

  /**
   * Run every report for each model's serving version, and its canary's, over the evaluation
   * window; errors per model are counted, not thrown. A rule that fires on either may roll the canary back.
   */
  async function evaluate() {
    const now = o.clock.now()
    const from = new Date(now - (o.evaluationWindowDays ?? 30) * DAY).toISOString()
    const to = new Date(now + 1).toISOString()
    const results: Record<string, { version: string; n: number; errors: string[]; canary?: { version: string; n: number; errors: string[] } }> = {}
    for (const summary of await o.registry.list()) {
      try {
        const serving = (await o.registry.resolve(summary.name)).version
        results[summary.name] = await evaluateVersion(summary.name, serving, from, to)
        const canary = await o.canaryOf?.(summary.name)
        if (canary && canary !== serving) results[summary.name]!.canary = await evaluateVersion(summary.name, canary, from, to)
      } catch (e) {
        results[summary.name] = {
          version: results[summary.name]?.version ?? '',
          n: results[summary.name]?.n ?? 0,
          errors: [(e as NexoraError).code ?? 'internal'],
        }
      }
    }
    return { evaluatedAt: new Date(now).toISOString(), from, models: results }
  }

  return { performance, fairness, drift, estimatedPerformance, evaluate, horizonMs, observe }
}

export type Monitor = ReturnType<typeof createMonitor>
