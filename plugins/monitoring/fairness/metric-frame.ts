/**
 * A Fairlearn `MetricFrame`-style table: standard binary metrics overall and per group
 * (intersections of the sensitive attributes), with small groups flagged.
 */
import { groupKey, groupRows } from './groups.ts'

export interface GroupMetrics {
  n: number
  positives: number
  /** Fraction predicted positive (score ≥ threshold). */
  selectionRate: number
  /** TP / (TP + FN); NaN without positives. */
  tpr: number
  /** FP / (FP + TN); NaN without negatives. */
  fpr: number
  /** TP / (TP + FP); NaN when nothing is predicted positive. */
  ppv: number
  /** Mean predicted probability minus observed rate (calibration-in-the-large; 0 is ideal). */
  calibrationInTheLarge: number
  /** ECE on `eceBins` uniform bins (see core/stats/calibration.ts). */
  ece: number
  /** Any user metrics, by name. */
  extra: Record<string, number>
}

export interface GroupRow extends GroupMetrics {
  group: Record<string, string>
  key: string
  small: boolean
}

export interface MetricFrame {
  threshold: number
  minGroupSize: number
  overall: GroupMetrics
  byGroup: GroupRow[]
}

export interface MetricFrameOptions {
  labels: ArrayLike<number>
  scores: ArrayLike<number>
  /** One array per attribute, aligned with labels; several attributes give their intersections. */
  sensitive: Record<string, ArrayLike<unknown>>
  /** Score ≥ threshold is a positive prediction. Default 0.5. */
  threshold?: number
  /** Groups with fewer rows are flagged `small` (their metrics are too noisy to compare). Default 30. */
  minGroupSize?: number
  eceBins?: number
  metrics?: Record<string, (labels: number[], scores: number[]) => number>
}

const div = (a: number, b: number) => (b === 0 ? Number.NaN : a / b)

function groupMetrics(y: number[], s: number[], threshold: number, eceBins: number, metrics: MetricFrameOptions['metrics']): GroupMetrics {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0,
    sumP = 0,
    sumY = 0
  const bins = Array.from({ length: eceBins }, () => ({ n: 0, y: 0, p: 0 }))
  for (let i = 0; i < y.length; i++) {
    const pos = s[i]! >= threshold
    if (y[i] === 1) pos ? tp++ : fn++
    else pos ? fp++ : tn++
    sumP += s[i]!
    sumY += y[i]!
    // Same rule as sklearn's uniform calibration bins: #(inner edges < p).
    let b = 0
    while (b < eceBins - 1 && (b + 1) * (1 / eceBins) < s[i]!) b++
    bins[b]!.n++
    bins[b]!.y += y[i]!
    bins[b]!.p += s[i]!
  }
  const n = y.length
  const ece = bins.reduce((e, b) => (b.n === 0 ? e : e + (b.n / n) * Math.abs(b.p / b.n - b.y / b.n)), 0)
  return {
    n,
    positives: tp + fn,
    selectionRate: div(tp + fp, n),
    tpr: div(tp, tp + fn),
    fpr: div(fp, fp + tn),
    ppv: div(tp, tp + fp),
    calibrationInTheLarge: div(sumP - sumY, n),
    ece,
    extra: Object.fromEntries(Object.entries(metrics ?? {}).map(([k, f]) => [k, f(y, s)])),
  }
}

/**
 * Computes metrics overall and for every observed group (intersection of all attributes),
 * groups sorted by key. Missing attribute values form their own `(missing)` group.
 * @example metricFrame({ labels: y, scores: p, sensitive: { sex, ageBand }, minGroupSize: 50 }).byGroup
 */
export function metricFrame(o: MetricFrameOptions): MetricFrame {
  const threshold = o.threshold ?? 0.5
  const minGroupSize = o.minGroupSize ?? 30
  const eceBins = o.eceBins ?? 10
  const n = o.labels.length
  if (o.scores.length !== n) throw new RangeError('labels and scores differ in length')
  const rows = groupRows(o.sensitive, n)
  const members = new Map<string, { group: Record<string, string>; idx: number[] }>()
  rows.forEach((g, i) => {
    const key = groupKey(g)
    let m = members.get(key)
    if (!m) members.set(key, (m = { group: g, idx: [] }))
    m.idx.push(i)
  })
  const y = Array.from(o.labels)
  const s = Array.from(o.scores)
  const byGroup = [...members.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, m]) => ({
      group: m.group,
      key,
      small: m.idx.length < minGroupSize,
      ...groupMetrics(
        m.idx.map((i) => y[i]!),
        m.idx.map((i) => s[i]!),
        threshold,
        eceBins,
        o.metrics,
      ),
    }))
  return { threshold, minGroupSize, overall: groupMetrics(y, s, threshold, eceBins, o.metrics), byGroup }
}
