import { afterAll, describe, expect, it } from 'vitest'
import { seededRandom, SCOPES, type ScoreCalibration } from '../../core/index.ts'
import { crossValidateRecalibration, fitLogisticRecalibration, isotonicKnots, mapScore } from '../../plugins/monitoring/index.ts'
import { recalibrationPolicies } from '../../plugins/monitoring/service/recalibrate-route.ts'
import { post } from '../../testkit/nexora.ts'
import { CLINICIAN, heldOut, monitoredNexora, scoreCohort } from '../../testkit/monitoring.ts'

const DAY = 86_400_000
const logit = (p: number) => Math.log(p / (1 - p))
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
type Nexora = Awaited<ReturnType<typeof monitoredNexora>>['nexora']
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> })
const recalibrateCall = async (nexora: Nexora, body: Record<string, unknown>) => json(await nexora.app.request('/monitoring/recalibrate', post('', body)))

/**
 * A site where the demo model is over-confident and under-predicts: outcomes drawn from
 * σ(0.7 + 0.6·logit(score)), seeded, posted by prediction id.
 */
async function site(count: number, version?: string) {
  const { nexora, flush } = await monitoredNexora()
  return { nexora, flush, ...(await observe(nexora, flush, count, version)) }
}
async function observe(nexora: Nexora, flush: () => Promise<unknown>, count: number, version?: string) {
  const rows = heldOut().slice(0, count)
  const { scores, predictionIds } = version ? await scoreVersion(nexora, rows, version) : await scoreCohort(nexora, rows)
  await flush()
  const random = seededRandom(20261207)
  const outcomes = scores.map((s, i) => ({
    model: 'readmission-risk',
    predictionId: predictionIds[i]!,
    value: random.next() < sigmoid(0.7 + 0.6 * logit(s)) ? 1 : 0,
  }))
  for (let i = 0; i < outcomes.length; i += 10_000) await nexora.app.request('/monitoring/outcomes', post('', { outcomes: outcomes.slice(i, i + 10_000) }))
  return { scores }
}
async function scoreVersion(nexora: Nexora, rows: ReturnType<typeof heldOut>, version: string) {
  const results = await Promise.all(
    rows.map(({ readmitted_30d: _y, ...features }, i) =>
      nexora.predict({ model: 'readmission-risk', version, rows: [{ patientRef: `Patient/v${i}`, features }], requestId: `v-${version}-${i}` }, CLINICIAN),
    ),
  )
  return { scores: results.map((r) => r.predictions[0]!.score), predictionIds: results.map((r) => `${r.requestId}#0`) }
}
/** The window exactly as the service reads it (oldest first), labelled rows only. */
async function labelled(nexora: Nexora, version: string) {
  const rows = (await nexora.ports.get('predictionLog').window({ model: 'readmission-risk', version }, 30 * DAY)).filter((r) => r.outcome !== null)
  return { labels: rows.map((r) => r.outcome!), scores: rows.map((r) => r.score) }
}

describe('POST /monitoring/recalibrate', () => {
  let ready: ReturnType<typeof site> | undefined
  const setup = () => (ready ??= site(500))
  afterAll(async () => (await ready)?.nexora.close())

  it('fits a logistic recalibration on the joined outcomes, cross-validates it and registers 1.0.1 wrapping the same files, unpromoted', async () => {
    const { nexora } = await setup()
    const { status, body } = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'logistic' })
    expect(status).toBe(201)
    const { labels, scores } = await labelled(nexora, '1.0.0')
    expect(labels).toHaveLength(500)
    const fit = fitLogisticRecalibration(labels, scores)
    expect(body).toMatchObject({
      model: 'readmission-risk',
      version: '1.0.1',
      base: '1.0.0',
      method: 'logistic',
      n: 500,
      positives: labels.filter((y) => y === 1).length,
    })
    expect(body.calibration).toEqual({ method: 'logistic', intercept: fit.intercept, slope: fit.slope, base: { version: '1.0.0' } })
    expect(body.standardErrors).toEqual(fit.standardErrors)
    // The site truth is σ(0.7 + 0.6·logit s): the fit finds it, roughly, from 500 outcomes.
    expect(fit.slope).toBeGreaterThan(0.3)
    expect(fit.slope).toBeLessThan(0.9)
    expect(fit.intercept).toBeGreaterThan(0.3)
    const cv = crossValidateRecalibration(labels, scores, { method: 'logistic', folds: 5, seed: 0 })
    expect(body.cv).toEqual({ folds: 5, seed: 0, before: cv.before, after: cv.after })
    expect(body.cv.after.brier).toBeLessThan(body.cv.before.brier)
    expect(body.cv.after.ece).toBeLessThan(body.cv.before.ece)

    // Registered, not promoted: production still serves 1.0.0.
    const base = await nexora.registry.getVersion('readmission-risk', '1.0.0')
    const stored = await nexora.registry.getVersion('readmission-risk', '1.0.1')
    expect(stored.stage).toBe('none')
    expect((await nexora.registry.get('readmission-risk')).aliases.production).toBe('1.0.0')
    expect(stored.manifest.files).toEqual(base.manifest.files)
    expect(stored.manifest.calibration).toEqual(body.calibration)
    expect(stored.manifest.signature).toBeUndefined()
    expect(stored.manifest.training).toMatchObject({
      ...base.manifest.training,
      recalibration: { method: 'logistic', base: '1.0.0', n: 500, folds: 5, seed: 0 },
    })
    expect(stored.manifest.metrics).toMatchObject({
      heldout_brier: cv.after.brier,
      heldout_logLoss: cv.after.logLoss,
      heldout_ece: cv.after.ece,
      heldout_n: 500,
    })
    expect(Object.keys(stored.manifest.metrics!).every((k) => k.startsWith('heldout_'))).toBe(true)

    // The new version serves σ(a + b·logit(base score)).
    const features = heldOut()[0]!
    const { readmitted_30d: _y, ...row } = features
    const [v0, v1] = await Promise.all(
      ['1.0.0', '1.0.1'].map((version) => nexora.predict({ model: 'readmission-risk', version, rows: [{ features: row }] }, CLINICIAN)),
    )
    expect(v1!.predictions[0]!.score).toBeCloseTo(sigmoid(fit.intercept + fit.slope * logit(v0!.predictions[0]!.score)), 14)

    // Audited, with ids and counts only.
    const { events } = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { action: 'model.recalibrate' })
    expect(events.at(-1)).toMatchObject({ outcome: 'success', actor: 'dev', context: { model: 'readmission-risk', base: '1.0.0', version: '1.0.1', n: 500 } })
  })

  it('isotonic: the next patch above every version, the knots sklearn would build, a given version refused when it exists', async () => {
    const { nexora } = await setup()
    const { labels, scores } = await labelled(nexora, '1.0.0')
    const { status, body } = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'isotonic', folds: 4, seed: 9 })
    expect(status).toBe(201)
    expect(body.version).toBe('1.0.2')
    expect(body.calibration).toEqual({ method: 'isotonic', ...isotonicKnots(labels, scores), base: { version: '1.0.0' } })
    expect(body.standardErrors).toBeUndefined()
    const cv = crossValidateRecalibration(labels, scores, { method: 'isotonic', folds: 4, seed: 9 })
    expect(body.cv.after).toEqual(cv.after)
    const again = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'isotonic', newVersion: '1.0.2' })
    expect([again.status, again.body.code]).toEqual([409, 'model.version_exists'])
    const bad = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'isotonic', newVersion: 'two' })
    expect([bad.status, bad.body.code]).toEqual([400, 'request.invalid'])
    const missing = await recalibrateCall(nexora, { model: 'readmission-risk', version: '9.9.9', method: 'isotonic' })
    expect([missing.status, missing.body.code]).toEqual([404, 'model.version_not_found'])
    const method = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'platt' })
    expect(method.status).toBe(400)
  })

  it('recalibrating a recalibrated version stacks its map under the new one (`prior`)', async () => {
    const { nexora, flush } = await setup()
    await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'logistic', newVersion: '1.1.0' })
    const first = (await nexora.registry.getVersion('readmission-risk', '1.1.0')).manifest.calibration!
    await observe(nexora, flush, 300, '1.1.0')
    const { status, body } = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.1.0', method: 'logistic', newVersion: '1.1.1' })
    expect(status).toBe(201)
    const { labels, scores } = await labelled(nexora, '1.1.0')
    const fit = fitLogisticRecalibration(labels, scores)
    const { base: _b, ...firstMap } = first
    expect(body.calibration).toEqual({ method: 'logistic', intercept: fit.intercept, slope: fit.slope, base: { version: '1.1.0' }, prior: [firstMap] })
    const { readmitted_30d: _y, ...row } = heldOut()[1]!
    const [v0, v2] = await Promise.all(
      ['1.0.0', '1.1.1'].map((version) => nexora.predict({ model: 'readmission-risk', version, rows: [{ features: row }] }, CLINICIAN)),
    )
    const c = body.calibration as ScoreCalibration
    expect(v2!.predictions[0]!.score).toBeCloseTo(mapScore(c, mapScore(first, v0!.predictions[0]!.score)), 14)
  })
})

describe('refusals', () => {
  it('too few labelled predictions: a coded 422, audited as a failure, and nothing registered', async () => {
    const { nexora } = await site(60)
    const { status, body } = await recalibrateCall(nexora, { model: 'readmission-risk', version: '1.0.0', method: 'logistic' })
    expect([status, body.code]).toEqual([422, 'monitoring.insufficient_outcomes'])
    expect(body.detail).toContain('60 predictions')
    expect((await nexora.registry.get('readmission-risk')).versions.map((v) => v.version)).toEqual(['1.0.0'])
    const { events } = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { action: 'model.recalibrate' })
    expect(events).toMatchObject([{ outcome: 'failure', reason: 'monitoring.insufficient_outcomes' }])
    await nexora.close()
  })

  it('needs nexora/models.write and refuses a patient-context token', () => {
    expect(recalibrationPolicies['POST /monitoring/recalibrate']).toMatchObject({ access: { anyOf: [SCOPES.modelsWrite] }, patientContext: 'refuse' })
  })
})
