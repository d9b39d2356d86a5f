/** Seeded percentile-bootstrap confidence intervals for any (labels, scores) → number metric. */
import { auroc, averagePrecision, brierScore, seededRandom } from '../../../core/index.ts'

export type Metric = (labels: number[], scores: number[]) => number

export interface BootstrapResult {
  estimate: number
  lower: number
  upper: number
  level: number
  n: number
  skipped: number
}

/**
 * Resamples rows with replacement `n` times and takes the (1−level)/2 and (1+level)/2
 * percentiles (numpy's linear rule) of the metric. Resamples where the metric is not finite
 * — typically a resample with one class, where AUROC is NaN — are skipped and counted in
 * `skipped` rather than redrawn, so the interval is conditional on both classes being present;
 * a large `skipped` means the data are too small for the interval to be trusted.
 * @example bootstrapCI(y, p, auroc, { n: 1000, seed: 7, level: 0.95 }) // { estimate, lower, upper, … }
 */
/** The (1−level)/2 and (1+level)/2 percentiles (numpy's linear rule) of the finite resample values. */
export function summarise(estimate: number, values: number[], level: number, n: number, skipped: number): BootstrapResult {
  values.sort((a, b) => a - b)
  const q = (p: number) => {
    if (values.length === 0) return Number.NaN
    const pos = p * (values.length - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, values.length - 1)
    return values[lo]! + (values[hi]! - values[lo]!) * (pos - lo)
  }
  return { estimate, lower: q((1 - level) / 2), upper: q((1 + level) / 2), level, n, skipped }
}

export function bootstrapCI(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  metric: Metric,
  { n = 1000, seed = 0, level = 0.95 }: { n?: number; seed?: number; level?: number } = {},
): BootstrapResult {
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
      by[i] = y[k]!
      bs[i] = s[k]!
    }
    const v = metric(by, bs)
    if (Number.isFinite(v)) values.push(v)
    else skipped++
  }
  return summarise(metric(y, s), values, level, n, skipped)
}

/**
 * AUROC, average precision and Brier score with bootstrap CIs, identical to `bootstrapCI` with the
 * same seed (the same resamples, drawn in the same order) but without sorting each resample: the
 * rows are sorted by score once, and a resample is a vector of counts walked in that order, so a
 * resample costs O(n) instead of O(n log n) for each of the three metrics (about 50× faster on
 * 10,000 rows). Tied scores form one threshold group, as in the exact functions.
 */
export function bootstrapRankMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  { n = 1000, seed = 0, level = 0.95 }: { n?: number; seed?: number; level?: number } = {},
): Record<'auroc' | 'auprc' | 'brier', BootstrapResult> {
  const len = labels.length
  const order = Array.from({ length: len }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  // Group starts in descending score order: a group shares one score (one threshold).
  const starts: number[] = []
  for (let i = 0; i < len; i++) if (i === 0 || scores[order[i]!] !== scores[order[i - 1]!]) starts.push(i)
  starts.push(len)
  const sq = Float64Array.from({ length: len }, (_, i) => (scores[i]! - labels[i]!) ** 2)
  const counts = new Uint32Array(len)
  const rng = seededRandom(seed)
  const values = { auroc: [] as number[], auprc: [] as number[], brier: [] as number[] }
  const skipped = { auroc: 0, auprc: 0, brier: 0 }
  const keep = (k: keyof typeof values, v: number) => {
    if (Number.isFinite(v)) values[k].push(v)
    else skipped[k]++
  }
  for (let r = 0; r < n; r++) {
    counts.fill(0)
    for (let i = 0; i < len; i++) counts[Math.floor(rng.next() * len)]!++
    let P = 0
    let N = 0
    let brier = 0
    for (let i = 0; i < len; i++) {
      const c = counts[i]!
      if (c === 0) continue
      if (labels[i] === 1) P += c
      else N += c
      brier += c * sq[i]!
    }
    // One pass from the highest score down: AUROC counts, per positive, the negatives ranked
    // below it (ties as half); AP adds precision × recall gain at each threshold.
    let negAbove = 0
    let tp = 0
    let fp = 0
    let aucSum = 0
    let ap = 0
    let lastRecall = 0
    for (let g = 0; g + 1 < starts.length; g++) {
      let pos = 0
      let neg = 0
      for (let k = starts[g]!; k < starts[g + 1]!; k++) {
        const i = order[k]!
        if (labels[i] === 1) pos += counts[i]!
        else neg += counts[i]!
      }
      if (pos + neg === 0) continue
      aucSum += pos * (N - negAbove - neg + neg / 2)
      negAbove += neg
      tp += pos
      fp += neg
      if (P > 0) {
        const recall = tp / P
        ap += (recall - lastRecall) * (tp / (tp + fp))
        lastRecall = recall
      }
    }
    keep('auroc', P === 0 || N === 0 ? Number.NaN : aucSum / (P * N))
    keep('auprc', P === 0 ? Number.NaN : ap)
    keep('brier', brier / len)
  }
  const y = Array.from(labels)
  const s = Array.from(scores)
  return {
    auroc: summarise(auroc(y, s), values.auroc, level, n, skipped.auroc),
    auprc: summarise(averagePrecision(y, s), values.auprc, level, n, skipped.auprc),
    brier: summarise(brierScore(y, s), values.brier, level, n, skipped.brier),
  }
}
