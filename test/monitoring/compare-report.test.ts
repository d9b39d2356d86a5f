import { describe, expect, it } from 'vitest'
import { auroc, brierScore, seededRandom, type JoinedPrediction } from '../../core/index.ts'
import { bootstrapCI, pairedBootstrap } from '../../plugins/monitoring/metrics/index.ts'
import { compareReport } from '../../plugins/monitoring/service/compare.ts'

/** A seeded sample where the challenger is the champion plus noise: two correlated models on the same patients. */
function sample(n: number, seed = 3) {
  const rng = seededRandom(seed)
  const y: number[] = []
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < n; i++) {
    const risk = rng.next()
    y.push(rng.next() < risk ? 1 : 0)
    a.push(Math.min(0.99, Math.max(0.01, risk + (rng.next() - 0.5) * 0.4)))
    b.push(Math.min(0.99, Math.max(0.01, a[i]! + (rng.next() - 0.5) * 0.1)))
  }
  return { y, a, b }
}

describe('paired bootstrap', () => {
  it('estimates the difference of the metrics, and is exactly zero for identical models', () => {
    const { y, a, b } = sample(400)
    const r = pairedBootstrap(y, a, b, auroc, { n: 300, seed: 1 })
    expect(r.estimate).toBeCloseTo(auroc(y, b) - auroc(y, a), 12)
    expect(r.lower).toBeLessThanOrEqual(r.estimate)
    expect(r.upper).toBeGreaterThanOrEqual(r.estimate)
    expect(pairedBootstrap(y, a, a, auroc, { n: 200, seed: 1 })).toMatchObject({ estimate: 0, lower: 0, upper: 0 })
  })

  it('is much narrower than the gap between two unpaired intervals for correlated models', () => {
    const { y, a, b } = sample(400)
    const paired = pairedBootstrap(y, a, b, auroc, { n: 500, seed: 2 })
    const [ca, cb] = [bootstrapCI(y, a, auroc, { n: 500, seed: 2 }), bootstrapCI(y, b, auroc, { n: 500, seed: 2 })]
    expect(paired.upper - paired.lower).toBeLessThan((ca.upper - ca.lower + (cb.upper - cb.lower)) / 4)
  })
})

describe('compareReport', () => {
  const row = (i: number, score: number, championScore: number, outcome: number | null): JoinedPrediction => ({
    id: `r${i}#0~2.0.0`,
    ts: '2026-12-01T00:00:00.000Z',
    model: 'm',
    version: '2.0.0',
    subjectKey: `k${i}`,
    featuresHash: 'h',
    score,
    label: null,
    features: null,
    shadowOf: '1.0.0',
    championScore,
    outcome,
  })

  it('counts label agreement at each version’s threshold and the score differences', () => {
    const rows = [row(0, 0.4, 0.2, null), row(1, 0.6, 0.7, null), row(2, 0.1, 0.35, null), row(3, 0.9, 0.8, null)]
    const report = compareReport(rows, { championThreshold: 0.3, challengerThreshold: 0.5, bootstrap: 0 })
    // Champion labels (≥ 0.3): 0 1 1 1; challenger labels (≥ 0.5): 0 1 0 1 → 3 of 4 agree.
    expect(report.labelAgreement).toBe(0.75)
    expect(report.scores!.meanDifference).toBeCloseTo((0.2 - 0.1 - 0.25 + 0.1) / 4, 12)
    expect(report.scores!.maxAbsDifference).toBeCloseTo(0.25, 12)
    expect([report.n, report.pending, report.outcomes]).toEqual([4, 4, null])
  })

  it('scores both versions on rows whose outcome arrived, with the paired CI of the difference', () => {
    const { y, a, b } = sample(300)
    const rows = y.map((v, i) => row(i, b[i]!, a[i]!, i < 250 ? v : null))
    const report = compareReport(rows, { bootstrap: 200, seed: 4 })
    expect(report.outcomes!.n).toBe(250)
    expect(report.outcomes!.champion.auroc).toBeCloseTo(auroc(y.slice(0, 250), a.slice(0, 250)), 12)
    expect(report.outcomes!.challenger.brier).toBeCloseTo(brierScore(y.slice(0, 250), b.slice(0, 250)), 12)
    const d = report.outcomes!.difference.auroc
    expect(d.estimate).toBeCloseTo(report.outcomes!.challenger.auroc! - report.outcomes!.champion.auroc!, 12)
    expect(d.lower! <= d.estimate! && d.estimate! <= d.upper!).toBe(true)
    expect(report.labelAgreement).toBeNull()
  })
})
