import { NexoraError, safeName, type JoinedPrediction, type StoredVersion } from '../../../core/index.ts'
import '../errors.ts'
import { estimatePerformance, fitCbpe, realisedPerformance, type CbpeCalibration, type CbpeEstimate } from '../metrics/index.ts'
import type { Observation } from './alerts.ts'

export interface EstimatedQuery {
  model: string
  version?: string
  /** The window; default the last `windowDays` up to now. */
  from?: string
  to?: string
  /** Labelled predictions of the same version to calibrate on, `<from>/<to>`; default every one before `from`. */
  reference?: string
  /** Equal-length time chunks the window is cut into. Default 5. */
  chunks?: number
  threshold?: number
  calibration?: CbpeCalibration
}

export interface EstimatedDeps {
  rows(q: { model: string; version: string; from?: string; to?: string }): Promise<JoinedPrediction[]>
  serving(q: { model: string; version?: string }): Promise<StoredVersion>
  observe(n: number, list: Observation[]): void
  now(): number
  horizonMs(model: string): number
  /** Fewer labelled reference rows than this (or one class only) is refused. */
  minSamples: number
  windowDays: number
}

const DAY = 86_400_000
/** NaN and ±Infinity become null, as in the other reports. */
const num = (x: number) => (Number.isFinite(x) ? x : null)
const KEYS = ['auroc', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'accuracy', 'prevalence', 'brier', 'ece', 'tp', 'fp', 'tn', 'fn'] as const
const metrics = (e: CbpeEstimate) => Object.fromEntries(KEYS.map((k) => [k, num(e[k])])) as Record<(typeof KEYS)[number], number | null>
const labelled = (rows: JoinedPrediction[]) => rows.filter((r): r is JoinedPrediction & { outcome: number } => r.outcome === 0 || r.outcome === 1)

function interval(text: string): [string, string] {
  const [from, to] = text.split('/')
  if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to)))
    throw new NexoraError('request.invalid', { detail: 'reference is an interval "<from>/<to>" of ISO-8601 times' })
  return [from, to]
}

/**
 * Estimated performance (CBPE) of one model version over a window cut into time chunks, with the
 * realised values beside each estimate where outcomes have arrived. The calibration is learnt on
 * labelled predictions of the same version before the window (or `reference`). The whole
 * window's estimate feeds the `estimated_*` alert quantities.
 */
export async function estimatedPerformanceReport(d: EstimatedDeps, q: EstimatedQuery) {
  const stored = await d.serving(q)
  const version = stored.version
  const to = q.to ?? new Date(d.now() + 1).toISOString()
  const from = q.from ?? new Date(Date.parse(to) - d.windowDays * DAY).toISOString()
  const [t0, t1] = [Date.parse(from), Date.parse(to)]
  if (!(t0 < t1)) throw new NexoraError('request.invalid', { detail: 'from must be before to' })
  const [refFrom, refTo] = q.reference ? interval(q.reference) : [undefined, from]
  const ref = labelled(await d.rows({ model: q.model, version, from: refFrom, to: refTo }))
  const positives = ref.filter((r) => r.outcome === 1).length
  if (ref.length < d.minSamples || positives === 0 || positives === ref.length)
    throw new NexoraError('monitoring.reference_too_small', {
      detail:
        `${ref.length} labelled predictions of ${safeName(q.model)}@${safeName(version)} in the reference (${positives} with outcome 1); ` +
        `at least ${d.minSamples}, with both outcomes, are needed (reference=<from>/<to> names another window)`,
    })
  const threshold = q.threshold ?? stored.manifest.threshold ?? 0.5
  const fit = fitCbpe(
    ref.map((r) => r.outcome),
    ref.map((r) => r.score),
    { threshold, calibration: q.calibration },
  )
  const rows = await d.rows({ model: q.model, version, from, to })
  const horizon = d.horizonMs(q.model)
  const count = q.chunks ?? 5
  const width = (t1 - t0) / count
  const cut = Array.from({ length: count + 1 }, (_, k) => (k === count ? t1 : Math.round(t0 + k * width)))
  const byChunk = cut.slice(1).map(() => [] as JoinedPrediction[])
  for (const r of rows) {
    const t = Date.parse(r.ts)
    let k = Math.min(count - 1, Math.max(0, Math.floor((t - t0) / width)))
    // Rounding may put a row one chunk off at a boundary; the cut points decide.
    while (k > 0 && t < cut[k]!) k--
    while (k < count - 1 && t >= cut[k + 1]!) k++
    byChunk[k]!.push(r)
  }
  const part = (rs: JoinedPrediction[]) => {
    const done = labelled(rs)
    return {
      n: rs.length,
      pending: rs.length - done.length,
      estimated: rs.length
        ? metrics(
            estimatePerformance(
              fit,
              rs.map((r) => r.score),
            ),
          )
        : null,
      realised: done.length
        ? {
            labelled: done.length,
            ...metrics(
              realisedPerformance(
                done.map((r) => r.outcome),
                done.map((r) => r.score),
                threshold,
                fit.bins,
              ),
            ),
          }
        : null,
    }
  }
  const overall = part(rows)
  const e = overall.estimated
  const labels = { model: q.model, version }
  d.observe(rows.length, [
    { quantity: 'estimated_auroc', ...labels, value: e?.auroc ?? Number.NaN },
    { quantity: 'estimated_ppv', ...labels, value: e?.ppv ?? Number.NaN },
    { quantity: 'estimated_sensitivity', ...labels, value: e?.sensitivity ?? Number.NaN },
    { quantity: 'estimated_brier', ...labels, value: e?.brier ?? Number.NaN },
  ])
  return {
    model: q.model,
    version,
    window: { from, to },
    threshold,
    horizonDays: horizon / DAY,
    reference: {
      from: refFrom ?? null,
      to: refTo,
      n: ref.length,
      positives,
      calibrated: fit.map !== null,
      eceBefore: fit.eceBefore,
      eceAfter: fit.eceAfter,
    },
    overall,
    chunks: byChunk.map((rs, k) => ({
      from: new Date(cut[k]!).toISOString(),
      to: new Date(cut[k + 1]!).toISOString(),
      // Every outcome of the chunk is due: its realised values are final, not early arrivals.
      horizonPassed: cut[k + 1]! + horizon <= d.now(),
      ...part(rs),
    })),
  }
}
