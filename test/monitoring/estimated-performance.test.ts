import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  createMetricsRegistry,
  definePlugin,
  manualClock,
  memoryPredictionLog,
  NexoraError,
  type LoggedPrediction,
  type ModelRegistry,
  type ModelStore,
  type StoredVersion,
} from '../../core/index.ts'
import { estimatePerformance, fitCbpe } from '../../plugins/monitoring/metrics/index.ts'
import { alertEngine, type AlertRule } from '../../plugins/monitoring/service/alerts.ts'
import { createMonitor } from '../../plugins/monitoring/service/monitor.ts'
import type { WebhookDelivery } from '../../plugins/monitoring/service/webhooks.ts'
import { post } from '../../testkit/nexora.ts'
import { heldOut, monitoredNexora, scoreCohort } from '../../testkit/monitoring.ts'

const DAY = 86_400_000
type Metrics = Record<string, number | null>
/** The numpy reference run (test/monitoring/fixtures/cbpe/make_reference.py): its miscalibrated model. */
const fx = JSON.parse(readFileSync(new URL('./fixtures/cbpe/cbpe-reference.json', import.meta.url), 'utf8')) as {
  threshold: number
  scenarios: {
    miscalibrated: {
      reference: { scores: number[]; labels: number[] }
      chunks: { scores: number[]; labels: number[]; estimated: Metrics; realised: Metrics }[]
    }
  }
}
const sc = fx.scenarios.miscalibrated
const FROM = Date.parse('2026-03-01T00:00:00.000Z')
const TO = FROM + 30 * DAY
const iso = (t: number) => new Date(t).toISOString()

/**
 * A monitor over an in-memory log: the fixture's reference in January (all labelled), then its five
 * analysis chunks in five 6-day slots of March; only the first two chunks have outcomes yet.
 */
async function setup(o: { rules?: AlertRule[]; labelledChunks?: number; reference?: boolean } = {}) {
  const log = memoryPredictionLog()
  const row = (id: string, t: number, score: number): LoggedPrediction => ({
    id,
    ts: iso(t),
    model: 'readmission-risk',
    version: '1.0.0',
    subjectKey: null,
    featuresHash: '0'.repeat(64),
    score,
    label: null,
    features: null,
  })
  const outcome = (id: string, value: number) => ({ model: 'readmission-risk', subjectKey: null, predictionId: id, value, observedAt: iso(TO), source: 'api' })
  if (o.reference !== false) {
    await log.append(sc.reference.scores.map((s, i) => row(`ref#${i}`, Date.parse('2026-01-01T00:00:00Z') + i * 600_000, s)))
    await log.addOutcomes(sc.reference.labels.map((y, i) => outcome(`ref#${i}`, y)))
  }
  for (const [k, c] of sc.chunks.entries()) {
    const start = FROM + k * 6 * DAY
    await log.append(c.scores.map((s, i) => row(`c${k}#${i}`, start + Math.floor((i * 6 * DAY) / c.scores.length), s)))
    if (k < (o.labelledChunks ?? 2)) await log.addOutcomes(c.labels.map((y, i) => outcome(`c${k}#${i}`, y)))
  }
  const stored = {
    name: 'readmission-risk',
    version: '1.0.0',
    manifest: { threshold: fx.threshold, inputs: [] },
    stage: 'production',
  } as unknown as StoredVersion
  const registry = { list: async () => [{ name: 'readmission-risk' }], resolve: async () => stored, getVersion: async () => stored } as unknown as ModelRegistry
  const metrics = createMetricsRegistry()
  const clock = manualClock(Date.parse('2026-04-10T00:00:00Z'))
  const webhooks = { send: async () => {} } as unknown as WebhookDelivery
  const alerts = alertEngine(o.rules ?? [], { metrics, webhooks, now: () => clock.now() })
  const store = { getFiles: async () => undefined } as unknown as ModelStore
  return { monitor: createMonitor({ log, store, registry, alerts, clock }), metrics, alerts }
}

/** Every metric the report carries within 1e-6 of numpy's; undefined (null) exactly where numpy's is. */
const close = (ours: Metrics | null, ref: Metrics) => {
  for (const [k, v] of Object.entries(ref)) {
    if (!(k in ours!)) continue
    if (v === null) expect(ours![k], k).toBeNull()
    else expect(Math.abs(ours![k]! - v), k).toBeLessThan(1e-6)
  }
}

describe('the estimated-performance report', () => {
  it('gives the numpy estimate per chunk, and the realised values where outcomes have arrived', async () => {
    const { monitor, metrics } = await setup()
    const r = await monitor.estimatedPerformance({ model: 'readmission-risk', from: iso(FROM), to: iso(TO) })
    expect(r.version).toBe('1.0.0')
    expect(r.reference).toMatchObject({ from: null, to: iso(FROM), n: 4000, calibrated: true })
    expect(r.chunks.map((c) => [c.from, c.n])).toEqual(sc.chunks.map((_, k) => [iso(FROM + k * 6 * DAY), 1500]))
    for (const [k, c] of r.chunks.entries()) {
      close(c.estimated, sc.chunks[k]!.estimated)
      if (k < 2) {
        expect(c.realised!.labelled).toBe(1500)
        expect(c.pending).toBe(0)
        close(c.realised, sc.chunks[k]!.realised)
      } else expect([c.realised, c.pending]).toEqual([null, 1500])
    }
    // Outcomes of chunk 0 (to 7 March) were all due by 6 April; chunk 1's not before 12 April.
    expect(r.chunks.map((c) => c.horizonPassed)).toEqual([true, false, false, false, false])
    expect(r.overall.n).toBe(7500)
    const auroc = r.overall.estimated!.auroc!
    expect(auroc).toBeCloseTo(
      estimatePerformance(
        fitCbpe(sc.reference.labels, sc.reference.scores, { threshold: 0.3 }),
        sc.chunks.flatMap((c) => c.scores),
      ).auroc,
      12,
    )
    const text = metrics.expose()
    expect(text).toContain(`nexora_model_estimated_auroc{model="readmission-risk",version="1.0.0"} ${auroc}`)
    expect(text).toMatch(/nexora_model_estimated_ppv\{model="readmission-risk",version="1.0.0"\} 0\.\d+/)
  })

  it('feeds alert rules on the estimate, before any outcome of the window is known', async () => {
    const rules: AlertRule[] = [
      { id: 'est-auroc-low', quantity: 'estimated_auroc', op: 'below', threshold: 0.7 },
      { id: 'est-ppv-high', quantity: 'estimated_ppv', op: 'above', threshold: 0.9 },
    ]
    const { monitor, alerts } = await setup({ rules, labelledChunks: 0 })
    // The last two chunks alone: estimated AUROC about 0.66 (realised 0.63–0.67 once outcomes come).
    const r = await monitor.estimatedPerformance({ model: 'readmission-risk', from: iso(FROM + 18 * DAY), to: iso(TO), chunks: 2 })
    expect(r.chunks.every((c) => c.realised === null)).toBe(true)
    expect(r.overall.estimated!.auroc!).toBeLessThan(0.7)
    const states = Object.fromEntries(alerts.states().map((s) => [s.rule, s]))
    expect(states['est-auroc-low']).toMatchObject({ firing: true, value: r.overall.estimated!.auroc, version: '1.0.0' })
    expect(states['est-ppv-high']?.firing).toBe(false)
  })

  it('calibrates on an earlier window when told, and refuses one with too few labelled rows or one outcome', async () => {
    const { monitor, metrics } = await setup()
    const q = { model: 'readmission-risk', from: iso(FROM), to: iso(TO) }
    // January's first 10 hours: 60 labelled predictions.
    const r = await monitor.estimatedPerformance({ ...q, reference: '2026-01-01T00:00:00.000Z/2026-01-01T10:00:00.000Z' })
    expect(r.reference.n).toBe(60)
    const refusal = await monitor.estimatedPerformance({ ...q, reference: '2026-01-01T00:00:00.000Z/2026-01-01T05:00:00.000Z' }).catch((e) => e)
    expect(refusal).toBeInstanceOf(NexoraError)
    expect(refusal.code).toBe('monitoring.reference_too_small')
    expect(refusal.detail).toMatch(/^30 labelled predictions of readmission-risk@1\.0\.0 in the reference \(\d+ with outcome 1\); at least 50/)
    const none = await setup({ reference: false, labelledChunks: 0 })
    expect((await none.monitor.estimatedPerformance(q).catch((e) => e)).code).toBe('monitoring.reference_too_small')
    expect((await monitor.estimatedPerformance({ ...q, reference: 'last-week' }).catch((e) => e)).code).toBe('request.invalid')
    expect((await monitor.estimatedPerformance({ ...q, from: iso(TO), to: iso(FROM) }).catch((e) => e)).code).toBe('request.invalid')
    expect(metrics.expose()).toContain('nexora_model_estimated_auroc')
  })

  it('answers a window under minSamples without setting a gauge, and runs in evaluate()', async () => {
    const { monitor, metrics } = await setup()
    const small = await monitor.estimatedPerformance({ model: 'readmission-risk', from: iso(FROM), to: iso(FROM + 3_600_000), chunks: 1 })
    expect(small.overall.n).toBeLessThan(50)
    expect(small.chunks[0]!.estimated!.auroc).not.toBeNull()
    expect(metrics.expose()).not.toContain('nexora_model_estimated_auroc')
    const run = await monitor.evaluate()
    expect(run.models['readmission-risk']!.errors).not.toContain('monitoring.reference_too_small')
    expect(metrics.expose()).toMatch(/nexora_model_estimated_auroc\{model="readmission-risk",version="1\.0\.0"\} 0\.\d+/)
    const bare = await setup({ reference: false, labelledChunks: 0 })
    expect((await bare.monitor.evaluate()).models['readmission-risk']!.errors).toContain('monitoring.reference_too_small')
  })
})

describe('GET /monitoring/estimated-performance', () => {
  it('refuses without labelled history, then estimates the new predictions from the labelled January ones', async () => {
    const clock = manualClock(Date.parse('2026-01-10T00:00:00Z'))
    const { nexora, flush } = await monitoredNexora({}, undefined, [definePlugin({ name: 'clock', provides: 'clock', setup: () => clock })])
    const rows = heldOut()
    const january = rows.slice(0, 400)
    const { predictionIds } = await scoreCohort(nexora, january)
    await flush()
    clock.set(Date.parse('2026-03-01T00:00:00Z'))
    const march = rows.slice(400, 800)
    const { scores } = await scoreCohort(nexora, march, (r) => ({ ...r, age: (r.age as number) + 8 }))
    await flush()
    const url = '/monitoring/estimated-performance?model=readmission-risk&from=2026-02-28T00:00:00.000Z&to=2026-03-02T00:00:00.000Z&chunks=2'
    const before = await nexora.app.request(url)
    expect(before.status).toBe(422)
    expect(((await before.json()) as { code: string }).code).toBe('monitoring.reference_too_small')
    const outcomes = january.map((r, i) => ({ model: 'readmission-risk', predictionId: predictionIds[i], value: r.readmitted_30d }))
    expect((await nexora.app.request('/monitoring/outcomes', post('', { outcomes }))).status).toBe(200)
    const res = await nexora.app.request(url)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Awaited<ReturnType<ReturnType<typeof createMonitor>['estimatedPerformance']>>
    expect(body.reference).toMatchObject({ n: 400, to: '2026-02-28T00:00:00.000Z' })
    expect(body.chunks.map((c) => c.n)).toEqual([0, 400])
    expect(body.chunks[0]!.estimated).toBeNull()
    // The same reference rows in the same (log) order as the service reads them.
    const ref = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk', to: '2026-02-01T00:00:00Z' }, 30 * DAY)
    const fit = fitCbpe(
      ref.map((r) => r.outcome!),
      ref.map((r) => r.score),
      { threshold: body.threshold },
    )
    expect(body.chunks[1]!.estimated!.auroc).toBeCloseTo(estimatePerformance(fit, scores).auroc, 12)
    expect(body.chunks[1]!.realised).toBeNull()
    expect(await (await nexora.app.request('/metrics')).text()).toContain('nexora_model_estimated_auroc{model="readmission-risk",version="1.0.0"}')
    expect((await nexora.app.request(`${url}&chunks=0`)).status).toBe(400)
    await nexora.close()
  })
})
