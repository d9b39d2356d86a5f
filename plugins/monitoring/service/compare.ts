import { auroc, averagePrecision, brierScore, calibrationSlopeIntercept, type JoinedPrediction } from '../../../core/index.ts'
import { pairedBootstrap } from '../metrics/paired-bootstrap.ts'
import type { Interval } from './reports.ts'

/** NaN and ±Infinity become null (JSON has no word for them). */
const num = (x: number) => (Number.isFinite(x) ? x : null)
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export interface CompareOptions {
  /** The served (champion) version's threshold, for its labels. */
  championThreshold?: number
  challengerThreshold?: number
  /** Paired bootstrap resamples (0: none). Default 500. */
  bootstrap?: number
  seed?: number
}

function pearson(a: number[], b: number[]) {
  const [ma, mb] = [mean(a), mean(b)]
  let [sab, saa, sbb] = [0, 0, 0]
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb)
    saa += (a[i]! - ma) ** 2
    sbb += (b[i]! - mb) ** 2
  }
  return sab / Math.sqrt(saa * sbb)
}

function quality(y: number[], s: number[]) {
  const { slope, intercept } = calibrationSlopeIntercept(y, s)
  return {
    auroc: num(auroc(y, s)),
    auprc: num(averagePrecision(y, s)),
    brier: num(brierScore(y, s)),
    calibrationSlope: num(slope),
    calibrationIntercept: num(intercept),
  }
}

/**
 * Challenger against champion on the same requests: shadow rows carry the challenger's score and
 * the score the patient was actually given. Agreement of labels at each version's own threshold,
 * score differences, and, for rows whose outcome has arrived, both models' discrimination,
 * error and calibration with paired-bootstrap CIs of the difference (challenger − champion).
 */
export function compareReport(rows: JoinedPrediction[], o: CompareOptions = {}) {
  const paired = rows.filter((r): r is JoinedPrediction & { championScore: number } => typeof r.championScore === 'number')
  const champion = paired.map((r) => r.championScore)
  const challenger = paired.map((r) => r.score)
  const diff = challenger.map((b, i) => b - champion[i]!)
  const n = paired.length
  const { championThreshold: ta, challengerThreshold: tb } = o
  const agree = ta !== undefined && tb !== undefined && n > 0 ? paired.filter((_, i) => champion[i]! >= ta === challenger[i]! >= tb).length / n : null
  const scores =
    n === 0
      ? null
      : {
          meanDifference: num(mean(diff)),
          meanAbsDifference: num(mean(diff.map(Math.abs))),
          maxAbsDifference: num(Math.max(...diff.map(Math.abs))),
          correlation: n > 1 ? num(pearson(champion, challenger)) : null,
        }
  const done = paired.map((r, i) => ({ y: r.outcome, i })).filter((x): x is { y: number; i: number } => x.y === 0 || x.y === 1)
  let outcomes = null
  if (done.length > 0) {
    const y = done.map((d) => d.y)
    const [a, b] = [done.map((d) => champion[d.i]!), done.map((d) => challenger[d.i]!)]
    const resamples = o.bootstrap ?? 500
    const interval = (metric: (y: number[], s: number[]) => number): Interval => {
      const r = pairedBootstrap(y, a, b, metric, { n: resamples, seed: o.seed ?? 0 })
      return { estimate: num(r.estimate), lower: resamples > 0 ? num(r.lower) : null, upper: resamples > 0 ? num(r.upper) : null }
    }
    outcomes = {
      n: y.length,
      positives: y.filter((v) => v === 1).length,
      champion: quality(y, a),
      challenger: quality(y, b),
      difference: { auroc: interval(auroc), auprc: interval(averagePrecision), brier: interval(brierScore) },
    }
  }
  return { n, pending: n - done.length, labelAgreement: agree === null ? null : num(agree), scores, outcomes }
}
