import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { definePlugin, manualClock, memoryFhirSource, type LoggedPrediction } from '../../core/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { auroc, averagePrecision, brierScore } from '../../core/index.ts'
import { disparities, metricFrame } from '../../plugins/monitoring/fairness/index.ts'
import { psi } from '../../plugins/monitoring/drift/index.ts'
import { post } from '../../testkit/nexora.ts'
import { heldOut, monitoredNexora, scoreCohort, webhookReceiver } from '../../testkit/monitoring.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-monitoring-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> })
const DAY = 86_400_000

describe('the prediction log', () => {
  it('logs each prediction pseudonymously, with its id, score, features and hash, off the request path', async () => {
    const { nexora, flush } = await monitoredNexora()
    const rows = heldOut().slice(0, 3)
    const { scores, predictionIds } = await scoreCohort(nexora, rows)
    await flush()
    const log = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, DAY)
    expect(log.map((r) => r.id).sort()).toEqual([...predictionIds].sort())
    const first = log.find((r) => r.id === predictionIds[0])!
    expect(first.score).toBe(scores[0])
    expect(first.version).toBe('1.0.0')
    expect(first.subjectKey).toMatch(/^[0-9a-f]{64}$/)
    expect(first.featuresHash).toMatch(/^[0-9a-f]{64}$/)
    expect(first.features).toMatchObject({ age: rows[0]!.age, sex: rows[0]!.sex })
    expect(new Set(log.map((r) => r.subjectKey)).size).toBe(3)
    expect(JSON.stringify(log)).not.toContain('Patient/')
    await nexora.close()
  })

  it('keeps no features when told not to, and then refuses a fairness report by attribute', async () => {
    const { nexora, flush } = await monitoredNexora({ storeFeatures: false })
    await scoreCohort(nexora, heldOut().slice(0, 2))
    await flush()
    const log = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, DAY)
    expect(log.every((r: LoggedPrediction) => r.features === null)).toBe(true)
    const res = await json(await nexora.app.request('/monitoring/fairness?model=readmission-risk&attribute=sex'))
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('monitoring.features_not_logged')
    await nexora.close()
  })
})

describe('outcomes and the reports, on a libSQL file', () => {
  const rows = heldOut().slice(0, 400)
  const labels = rows.map((r) => r.readmitted_30d)
  let ready:
    | Promise<{
        nexora: Awaited<ReturnType<typeof monitoredNexora>>['nexora']
        flush: () => Promise<unknown>
        scores: number[]
        hook: Awaited<ReturnType<typeof webhookReceiver>>
      }>
    | undefined
  const setup = () =>
    (ready ??= (async () => {
      const hook = await webhookReceiver()
      const { nexora, flush } = await monitoredNexora(
        {
          alerts: [
            { id: 'auroc-low', quantity: 'auroc', op: 'below', threshold: 0.99, webhook: `${hook.url}/alerts` },
            { id: 'age-drift', quantity: 'psi', feature: 'age', op: 'above', threshold: 0.25, webhook: `${hook.url}/alerts` },
          ],
          webhooks: { sleep: async () => {} },
        },
        sqlStorage({ url: `file:${join(dir, 'reports.db')}` }),
      )
      const { scores, predictionIds } = await scoreCohort(nexora, rows)
      await flush()
      const observedAt = new Date(Date.now() + 5 * DAY).toISOString()
      // Half by patient (joined through the pseudonym), half by prediction id.
      const outcomes = rows.map((r, i) =>
        i % 2 === 0
          ? { model: 'readmission-risk', patient: `Patient/h${i}`, value: r.readmitted_30d, observedAt }
          : { model: 'readmission-risk', predictionId: predictionIds[i], value: r.readmitted_30d },
      )
      const res = await nexora.app.request('/monitoring/outcomes', post('', { outcomes }))
      expect(await res.json()).toEqual({ recorded: 400 })
      return { nexora, flush, scores, hook }
    })())
  afterAll(async () => {
    const s = await ready
    await s?.nexora.close()
    await s?.hook.close()
  })

  it('reports AUROC, AUPRC and Brier equal to the sklearn-checked functions, with bootstrap CIs around them', async () => {
    const { nexora, scores } = await setup()
    const app = nexora.app
    const { status, body } = await json(await app.request('/monitoring/performance?model=readmission-risk&bootstrap=200&seed=3'))
    expect(status).toBe(200)
    expect(body).toMatchObject({ n: 400, pending: 0, positives: labels.filter((y) => y === 1).length, threshold: 0.3 })
    expect(body.auroc.estimate).toBeCloseTo(auroc(labels, scores), 12)
    expect(body.auprc.estimate).toBeCloseTo(averagePrecision(labels, scores), 12)
    expect(body.brier.estimate).toBeCloseTo(brierScore(labels, scores), 12)
    for (const m of ['auroc', 'auprc', 'brier']) expect(body[m].lower).toBeLessThan(body[m].estimate), expect(body[m].upper).toBeGreaterThan(body[m].estimate)
    expect(body.calibration.binCounts.reduce((a: number, b: number) => a + b, 0)).toBe(400)
    expect(body.atThreshold.tp + body.atThreshold.fn).toBe(body.positives)
    // Same seed, same interval: the report is reproducible.
    const again = await json(await app.request('/monitoring/performance?model=readmission-risk&bootstrap=200&seed=3'))
    expect(again.body.auroc).toEqual(body.auroc)
  })

  it('exports the AUROC gauge, fires the rule below it once, and audits the webhook delivery', async () => {
    const { nexora, flush, hook } = await setup()
    const app = nexora.app
    await app.request('/monitoring/performance?model=readmission-risk&bootstrap=0')
    await app.request('/monitoring/performance?model=readmission-risk&bootstrap=0')
    const metrics = await (await app.request('/metrics')).text()
    expect(metrics).toMatch(/nexora_model_auroc\{model="readmission-risk",version="all"\} 0\.7/)
    expect(metrics).toMatch(/nexora_alert_firing\{model="readmission-risk",rule="auroc-low",version="all"\} 1/)
    await flush() // waits for webhook deliveries too
    const fired = hook.received.filter((r) => r.body.rule === 'auroc-low')
    expect(fired).toHaveLength(1)
    expect(fired[0]!.body).toMatchObject({ kind: 'alert.firing', quantity: 'auroc', op: 'below', threshold: 0.99, model: 'readmission-risk' })
    const audit = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { action: 'webhook.delivery' })
    expect(audit.events.some((e) => e.outcome === 'success' && e.context.kind === 'alert.firing')).toBe(true)
  })
})

describe('fairness and drift reports', () => {
  it('computes fairness by attribute exactly as the fairness functions do, on logged features', async () => {
    const { nexora, flush } = await monitoredNexora()
    const rows = heldOut().slice(0, 300)
    const { scores, predictionIds } = await scoreCohort(nexora, rows)
    await flush()
    await nexora.app.request(
      '/monitoring/outcomes',
      post('', { outcomes: rows.map((r, i) => ({ model: 'readmission-risk', predictionId: predictionIds[i], value: r.readmitted_30d })) }),
    )
    const { status, body } = await json(await nexora.app.request('/monitoring/fairness?model=readmission-risk&attribute=sex&minGroupSize=10'))
    expect(status).toBe(200)
    const expected = disparities(
      metricFrame({ labels: rows.map((r) => r.readmitted_30d), scores, threshold: 0.3, minGroupSize: 10, sensitive: { sex: rows.map((r) => r.sex) } }),
    )
    expect(body.disparities.demographicParityDifference).toBeCloseTo(expected.demographicParityDifference, 14)
    expect(body.disparities.equalizedOddsDifference).toBeCloseTo(expected.equalizedOddsDifference, 14)
    expect(body.byGroup.map((g: { key: string }) => g.key).sort()).toEqual(['sex=F', 'sex=M'])
    const bad = await json(await nexora.app.request('/monitoring/fairness?model=readmission-risk&attribute=zip'))
    expect(bad.status).toBe(400)
    await nexora.close()
  })

  it('finds no drift for held-out traffic, finds an age shift against the training profile, and fires the PSI rule', async () => {
    const hook = await webhookReceiver()
    const { nexora, flush } = await monitoredNexora({
      alerts: [{ id: 'age-drift', quantity: 'psi', feature: 'age', op: 'above', threshold: 0.25, webhook: hook.url }],
    })
    const rows = heldOut().slice(0, 400)
    await scoreCohort(nexora, rows)
    await flush()
    const calm = await json(await nexora.app.request('/monitoring/drift?model=readmission-risk'))
    expect(calm.status).toBe(200)
    expect(calm.body).toMatchObject({ version: '1.0.0', reference: 'training', n: 400, featuresLogged: true })
    expect(Object.keys(calm.body.columns).sort()).toEqual([
      'age',
      'egfr',
      'hba1c',
      'length_of_stay',
      'on_anticoagulant',
      'prior_admissions',
      'score',
      'sex',
      'systolic_bp',
    ])
    expect(calm.body.columns.age.psi).toBeLessThan(0.1)
    expect(calm.body.drift.drifted).toBe(false)

    const start = new Date().toISOString()
    await scoreCohort(nexora, rows, (r) => ({ ...r, age: Math.min(110, (r.age as number) + 20) }))
    await flush()
    const shifted = await json(await nexora.app.request(`/monitoring/drift?model=readmission-risk&from=${encodeURIComponent(start)}`))
    expect(shifted.body.n).toBe(400)
    expect(shifted.body.columns.age.drifted).toBe(true)
    expect(shifted.body.columns.age.psi).toBeGreaterThan(0.25)
    expect(shifted.body.columns.score.drifted).toBe(true)
    // Against the first window instead of the training profile: the same verdict on age.
    const windowed = await json(
      await nexora.app.request(
        `/monitoring/drift?model=readmission-risk&from=${encodeURIComponent(start)}&reference=${encodeURIComponent(`2000-01-01T00:00:00Z/${start}`)}`,
      ),
    )
    expect(windowed.body.columns.age.drifted).toBe(true)
    expect(windowed.body.columns.age.psi).toBeCloseTo(
      psi(
        rows.map((r) => r.age),
        rows.map((r) => Math.min(110, r.age + 20)),
      ),
      12,
    )
    await nexora.close()
    expect(hook.received.map((r) => [r.body.kind, r.body.feature])).toEqual([['alert.firing', 'age']])
    await hook.close()
  })

  it('answers a report on a handful of rows but sets no gauge and fires no rule from it', async () => {
    const { nexora, flush } = await monitoredNexora({ alerts: [{ id: 'age-drift', quantity: 'psi', feature: 'age', op: 'above', threshold: 0.25 }] })
    await scoreCohort(nexora, heldOut().slice(0, 10), (r) => ({ ...r, age: 105 }))
    await flush()
    const small = await json(await nexora.app.request('/monitoring/drift?model=readmission-risk'))
    expect(small.body.columns.age.psi).toBeGreaterThan(1)
    expect(await (await nexora.app.request('/metrics')).text()).not.toContain('nexora_feature_psi{')
    expect((await json(await nexora.app.request('/monitoring/alerts'))).body.states).toEqual([])
    await nexora.close()
  })

  it('answers 422 without a training profile, 400 for a bad reference, and 404 for an unknown model', async () => {
    const { nexora } = await monitoredNexora()
    expect((await json(await nexora.app.request('/monitoring/drift?model=readmission-fhir'))).body.code).toBe('monitoring.no_reference')
    const bad = await nexora.app.request('/monitoring/drift?model=readmission-risk&reference=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect((await nexora.app.request('/monitoring/performance?model=nope')).status).toBe(404)
    expect((await nexora.app.request('/monitoring/performance')).status).toBe(400)
    await nexora.close()
  })
})

describe('outcomes from FHIR, score drift and access', () => {
  it('labels readmissions found on the FHIR server and, once the horizon has passed, the rest as negatives', async () => {
    const clock = manualClock(Date.parse('2026-03-01T00:00:00Z'))
    const at = (days: number) => new Date(clock.now() + days * DAY).toISOString()
    const fhir = memoryFhirSource([
      { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'IMP' }, subject: { reference: 'Patient/h0' }, period: { start: at(3) } },
      { resourceType: 'Encounter', id: 'e2', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/h1' }, period: { start: at(3) } },
      { resourceType: 'Encounter', id: 'e3', status: 'finished', class: { code: 'IMP' }, subject: { reference: 'Patient/unknown' }, period: { start: at(1) } },
      { resourceType: 'Encounter', id: 'e4', status: 'finished', class: { code: 'IMP' }, subject: { reference: 'Patient/h2' }, period: { start: at(45) } },
    ])
    const { nexora, flush } = await monitoredNexora(
      {
        outcomeRules: [
          {
            name: 'readmission',
            model: 'readmission-risk',
            resourceType: 'Encounter',
            where: "class.code = 'IMP'",
            date: 'period.start',
            labelNegatives: true,
          },
        ],
      },
      undefined,
      [definePlugin({ name: 'fhir', provides: 'fhirSource', setup: () => fhir }), definePlugin({ name: 'clock', provides: 'clock', setup: () => clock })],
    )
    const {
      predictionIds: [p0, p1, p2],
    } = await scoreCohort(nexora, heldOut().slice(0, 3))
    await flush()
    const first = await json(await nexora.app.request('/monitoring/outcomes/pull', { method: 'POST' }))
    // Three inpatient stays; one is a stranger's (not in the log); no prediction is 30 days old yet.
    expect(first.body.results[0]).toMatchObject({ rule: 'readmission', scanned: 4, matched: 3, recorded: 2, negatives: 0 })
    const outcomeOf = async () =>
      Object.fromEntries((await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, 30 * DAY)).map((r) => [r.id, r.outcome]))
    expect(await outcomeOf()).toEqual({ [p0!]: 1, [p1!]: null, [p2!]: null }) // h2's stay is day 45: outside the horizon
    clock.advance(31 * DAY)
    const second = await json(await nexora.app.request('/monitoring/outcomes/pull', { method: 'POST' }))
    expect(second.body.results[0].negatives).toBe(2)
    expect(await outcomeOf()).toEqual({ [p0!]: 1, [p1!]: 0, [p2!]: 0 })
    await nexora.close()
  })

  it('detects a jump in the score stream with ADWIN and exports it', async () => {
    const { nexora } = await monitoredNexora({ alerts: [{ id: 'scores', quantity: 'score_drift', op: 'above', threshold: 0.5 }] })
    const rows = heldOut().slice(0, 300)
    await scoreCohort(nexora, rows)
    await scoreCohort(nexora, rows)
    let metrics = await (await nexora.app.request('/metrics')).text()
    expect(metrics).not.toMatch(/nexora_score_drift_detected\{[^}]*\} 1/)
    const risky = (r: Record<string, unknown>) => ({ ...r, age: 95, prior_admissions: 6, egfr: 20, length_of_stay: 20 })
    await scoreCohort(nexora, rows, risky)
    metrics = await (await nexora.app.request('/metrics')).text()
    expect(metrics).toMatch(/nexora_score_drift_detected\{model="readmission-risk",version="1.0.0"\} 1/)
    const alerts = await json(await nexora.app.request('/monitoring/alerts'))
    expect(alerts.body.states).toContainEqual(expect.objectContaining({ rule: 'scores', firing: true }))
    await nexora.close()
  })

  it('needs the nexora/monitor scope for reports and outcomes', async () => {
    const { nexora } = await monitoredNexora({}, undefined, [], { devCaller: { subject: 'dr-test', scopes: ['nexora/predict'], roles: [] } })
    for (const [path, init] of [
      ['/monitoring/alerts', {}],
      ['/monitoring/performance?model=readmission-risk', {}],
      ['/monitoring/outcomes', post('', { outcomes: [{ model: 'readmission-risk', patient: '1', value: 1 }] })],
    ] as const) {
      const res = await nexora.app.request(path, init)
      expect(res.status, path).toBe(403)
    }
    expect(nexora.ports.get('predictionLog') && (await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, DAY))).toEqual([])
    await nexora.close()
  })
})

describe('outcome times', () => {
  it('joins an outcome whose time has an offset or no milliseconds (times are normalised to UTC), on libSQL', async () => {
    const { nexora, flush } = await monitoredNexora({}, sqlStorage({ url: `file:${join(dir, 'times.db')}` }))
    const { predictionIds } = await scoreCohort(nexora, heldOut().slice(0, 2))
    await flush()
    const [first] = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, DAY)
    // Ten minutes later, written in -05:00 without milliseconds: compared as a string it sorts before the prediction.
    const later = new Date(Date.parse(first!.ts) + 10 * 60_000)
    const local = new Date(later.getTime() - 5 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '-05:00')
    await nexora.app.request(
      '/monitoring/outcomes',
      post('', { outcomes: [{ model: 'readmission-risk', patient: 'Patient/h0', value: 1, observedAt: local }] }),
    )
    const joined = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, DAY)
    expect(joined.find((r) => r.id === predictionIds[0])!.outcome).toBe(1)
    expect(joined.filter((r) => r.outcome !== null)).toHaveLength(1)
    await nexora.close()
  })
})
