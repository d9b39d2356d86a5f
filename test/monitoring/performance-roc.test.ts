import { describe, expect, it } from 'vitest'
import type { JoinedPrediction } from '../../core/index.ts'
import { rocCurve } from '../../plugins/monitoring/metrics/index.ts'
import { performanceReport, ROC_MAX_POINTS, rocPoints } from '../../plugins/monitoring/service/reports.ts'
import { post } from '../../testkit/nexora.ts'
import { heldOut, monitoredNexora, scoreCohort } from '../../testkit/monitoring.ts'

const row = (score: number, outcome: number | null) => ({ score, outcome }) as unknown as JoinedPrediction

describe('the ROC curve in the performance report (for the monitoring dashboard)', () => {
  it('carries sklearn roc_curve points over the labelled predictions of a window', async () => {
    const { nexora, flush } = await monitoredNexora()
    const rows = heldOut().slice(0, 200)
    const { scores, predictionIds } = await scoreCohort(nexora, rows)
    await flush()
    const labels = rows.map((r) => r.readmitted_30d)
    await nexora.app.request(
      '/monitoring/outcomes',
      post('', { outcomes: rows.map((r, i) => ({ model: 'readmission-risk', predictionId: predictionIds[i], value: r.readmitted_30d })) }),
    )
    const body = (await (await nexora.app.request('/monitoring/performance?model=readmission-risk&bootstrap=0')).json()) as {
      roc: { fpr: number[]; tpr: number[]; thresholds: number[] }
    }
    const expected = rocCurve(labels, scores)
    expect(expected.fpr.length).toBeLessThanOrEqual(ROC_MAX_POINTS)
    expect(body.roc).toEqual(expected)
    expect([body.roc.fpr[0], body.roc.tpr[0], body.roc.fpr.at(-1), body.roc.tpr.at(-1)]).toEqual([0, 0, 1, 1])
    await nexora.close()
  })

  it('is null with no outcomes or one class, and is thinned to evenly spaced points with both ends kept', () => {
    expect(performanceReport([row(0.2, null)]).roc).toBeNull()
    expect(performanceReport([row(0.2, 1), row(0.7, 1)], { bootstrap: 0 }).roc).toBeNull()
    const y = Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0))
    const s = y.map((_, i) => ((i * 104729) % 4001) / 4001)
    const full = rocCurve(y, s)
    expect(full.fpr.length).toBeGreaterThan(ROC_MAX_POINTS)
    const thin = rocPoints(y, s)
    expect(thin.fpr.length).toBe(ROC_MAX_POINTS)
    expect([thin.fpr[0], thin.tpr[0], thin.fpr.at(-1), thin.tpr.at(-1)]).toEqual([0, 0, 1, 1])
    expect(thin.thresholds[0]).toBe(full.thresholds[0])
    for (let i = 1; i < thin.fpr.length; i++) expect(thin.fpr[i]!).toBeGreaterThanOrEqual(thin.fpr[i - 1]!)
  })
})
