/** A calibration curve: mean predicted risk against the observed rate, per bin. */
export interface CalibrationPoint {
  label: string
  predicted: number
  observed: number
  count?: number
}
export interface Calibration {
  source: string
  points: CalibrationPoint[]
  slope?: number | null
  intercept?: number | null
}

const SOURCES = [
  { tag: 'heldout_', source: 'Held-out evaluation (model manifest)' },
  { tag: '', source: 'Model manifest (where measured not recorded)' },
  { tag: 'insample_', source: 'In-sample: the training rows themselves, optimistic (model manifest)' },
]

/**
 * Calibration from a manifest's metrics, where the training wrote it: pairs of numbers named
 * `<bin>_predicted` and `<bin>_observed` (e.g. `heldout_third1_predicted` /
 * `heldout_third1_observed`), optionally with `<bin>_n`. Held-out bins are preferred; in-sample
 * ones (`insample_…`) are shown only when there are no others, and say so. Undefined when there are none.
 */
export function calibrationFromMetrics(metrics: Record<string, number> | undefined): Calibration | undefined {
  if (!metrics) return undefined
  for (const { tag, source } of SOURCES) {
    const points: CalibrationPoint[] = []
    for (const [key, predicted] of Object.entries(metrics)) {
      const m = /^(.+)_(predicted|pred)$/.exec(key)
      if (!m || (tag ? !m[1]!.startsWith(tag) : /^(heldout|insample)_/.test(m[1]!))) continue
      const observed = metrics[`${m[1]}_observed`] ?? metrics[`${m[1]}_obs`]
      if (!Number.isFinite(predicted) || observed === undefined || !Number.isFinite(observed)) continue
      const count = metrics[`${m[1]}_n`]
      points.push({ label: m[1]!.slice(tag.length).replace(/_/g, ' '), predicted, observed, ...(count !== undefined ? { count } : {}) })
    }
    if (points.length < 2) continue
    points.sort((a, b) => a.predicted - b.predicted)
    return { source, points }
  }
  return undefined
}

/** The shape of GET /monitoring/performance that the plot needs. */
export interface PerformanceReport {
  n: number
  calibration: { probTrue: (number | null)[]; probPred: (number | null)[]; binCounts: number[]; slope?: number | null; intercept?: number | null } | null
}

/** Calibration from live outcomes (GET /monitoring/performance); undefined when no bin has data. */
export function calibrationFromPerformance(report: PerformanceReport | undefined): Calibration | undefined {
  const c = report?.calibration
  if (!c) return undefined
  const points: CalibrationPoint[] = []
  c.binCounts.forEach((count, i) => {
    const predicted = c.probPred[i]
    const observed = c.probTrue[i]
    if (count > 0 && typeof predicted === 'number' && typeof observed === 'number' && Number.isFinite(predicted) && Number.isFinite(observed)) {
      points.push({ label: `bin ${i + 1}`, predicted, observed, count })
    }
  })
  if (points.length === 0) return undefined
  return { source: `Monitoring: ${report!.n} predictions with observed outcomes`, points, slope: c.slope, intercept: c.intercept }
}
