/** Seeded percentile-bootstrap confidence intervals for any (labels, scores) → number metric. */
import { seededRandom } from '../../../core/index.ts'

export type Metric = (labels: number[], scores: number[]) => number

export interface BootstrapResult { estimate: number; lower: number; upper: number; level: number; n: number; skipped: number }

/**
 * Resamples rows with replacement `n` times and takes the (1−level)/2 and (1+level)/2
 * percentiles (numpy's linear rule) of the metric. Resamples where the metric is not finite
 * — typically a resample with one class, where AUROC is NaN — are skipped and counted in
 * `skipped` rather than redrawn, so the interval is conditional on both classes being present;
 * a large `skipped` means the data are too small for the interval to be trusted.
 * @example bootstrapCI(y, p, auroc, { n: 1000, seed: 7, level: 0.95 }) // { estimate, lower, upper, … }
 */
export function bootstrapCI(labels: ArrayLike<number>, scores: ArrayLike<number>, metric: Metric,
  { n = 1000, seed = 0, level = 0.95 }: { n?: number; seed?: number; level?: number } = {}): BootstrapResult {
  const y = Array.from(labels)
  const s = Array.from(scores)
  const rng = seededRandom(seed)
  const values: number[] = []
  let skipped = 0
  const by = new Array<number>(y.length)
  const bs = new Array<number>(y.length)
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < y.length; i++) {
      const k = Math.floor(rng.next() * y.length)
      by[i] = y[k]!; bs[i] = s[k]!
    }
    const v = metric(by, bs)
    if (Number.isFinite(v)) values.push(v)
    else skipped++
  }
  values.sort((a, b) => a - b)
  const q = (p: number) => {
    if (values.length === 0) return Number.NaN
    const pos = p * (values.length - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, values.length - 1)
    return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo)
  }
  return { estimate: metric(y, s), lower: q((1 - level) / 2), upper: q((1 + level) / 2), level, n, skipped }
}
