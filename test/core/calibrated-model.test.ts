import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createNexora, memoryStorage, ModelManifestSchema, type LoadedModel, type ModelManifest, type ScoreCalibration } from '../../core/index.ts'
import { applyScoreMap, withCalibration } from '../../core/registry/calibrated-model.ts'
import { importModels } from '../../bin/demo-models.ts'
import { generateCohort } from '../../models/readmission-risk/cohort.ts'
import { linearModel, linearModelPlugin } from '../../plugins/model-linear/index.ts'

const dir = new URL('../../models/readmission-risk/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as ModelManifest
const files = {
  'model.json': new Uint8Array(readFileSync(new URL('model.json', dir))),
  'profile.json': new Uint8Array(readFileSync(new URL('profile.json', dir))),
}
const rows = generateCohort(4000)
  .slice(3200, 3240)
  .map(({ readmitted_30d: _y, ...features }) => ({ features }))
const logit = (p: number) => Math.log(p / (1 - p))
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const base = () => linearModelPlugin.load({ manifest, files })
const logistic = (intercept: number, slope: number): ScoreCalibration => ({ method: 'logistic', intercept, slope, base: { version: '1.0.0' } })
const isotonic: ScoreCalibration = { method: 'isotonic', x: [0.1, 0.3, 0.6], y: [0.05, 0.2, 0.7], base: { version: '1.0.0' } }

/** Σ contributions − (output − baseline) per row, on the logit scale of the served score. */
async function additivityGaps(model: LoadedModel) {
  const [scores, explanations, { baseline }] = [await model.predict(rows), await model.explain(rows), model.describe()]
  return scores.map((p, i) => explanations[i]!.reduce((s, c) => s + c.contribution, 0) - (logit(p.score) - baseline!))
}

describe('withCalibration', () => {
  it('maps the linear demo model’s score by σ(a + b·logit p) and keeps its explanation additive on the new logit scale', async () => {
    const [raw, wrapped] = [await base(), withCalibration(await base(), logistic(-0.4, 0.7))]
    const [before, after] = [await raw.predict(rows), await wrapped.predict(rows)]
    after.forEach((p, i) => expect(p.score).toBeCloseTo(sigmoid(-0.4 + 0.7 * logit(before[i]!.score)), 14))
    // The wrapped baseline is a + b·(base baseline); every contribution is b times the base's.
    expect(wrapped.describe().additivity).toBe('logit')
    expect(wrapped.describe().baseline).toBeCloseTo(-0.4 + 0.7 * raw.describe().baseline!, 14)
    expect(wrapped.describe().explanationMethod).toContain('slope 0.7')
    const [e0, e1] = [await raw.explain(rows.slice(0, 1)), await wrapped.explain(rows.slice(0, 1))]
    e1[0]!.forEach((c, j) => expect(c.contribution).toBeCloseTo(0.7 * e0[0]![j]!.contribution, 14))
    for (const gap of await additivityGaps(wrapped)) expect(Math.abs(gap)).toBeLessThan(1e-9)
    // Unscaled contributions would not add up: the check above has teeth.
    const unscaled = { ...wrapped, explain: raw.explain }
    expect(Math.max(...(await additivityGaps(unscaled)).map(Math.abs))).toBeGreaterThan(1e-3)
  })

  it('composes a prior logistic map with the new one, still exactly additive', async () => {
    const chained = withCalibration(await base(), { ...logistic(0.3, 1.2), prior: [{ method: 'logistic', intercept: -0.4, slope: 0.7 }] })
    const once = withCalibration(await base(), logistic(0.3 + 1.2 * -0.4, 1.2 * 0.7))
    const [a, b] = [await chained.predict(rows), await once.predict(rows)]
    a.forEach((p, i) => expect(p.score).toBeCloseTo(b[i]!.score, 12))
    for (const gap of await additivityGaps(chained)) expect(Math.abs(gap)).toBeLessThan(1e-9)
  })

  it('isotonic: interpolates between knots, clips outside them, and says the explanation is of the base score', async () => {
    const raw = await base()
    const wrapped = withCalibration(raw, isotonic)
    expect(applyScoreMap(isotonic, 0.2)).toBeCloseTo(0.125, 15)
    expect(applyScoreMap(isotonic, 0.45)).toBeCloseTo(0.45, 15)
    expect(applyScoreMap(isotonic, 0.01)).toBe(0.05)
    expect(applyScoreMap(isotonic, 0.99)).toBe(0.7)
    const [before, after] = [await raw.predict(rows), await wrapped.predict(rows)]
    after.forEach((p, i) => expect(p.score).toBe(applyScoreMap(isotonic, before[i]!.score)))
    const d = wrapped.describe()
    expect(d.additivity).toBe('none')
    expect(d.baseline).toBeUndefined()
    expect(d.explanationMethod).toContain("explains the base model's score")
    expect(await wrapped.explain(rows.slice(0, 2))).toEqual(await raw.explain(rows.slice(0, 2)))
    const metrics = await wrapped.evaluate({ rows, labels: rows.map((_, i) => i % 2) })
    expect(metrics.n).toBe(rows.length)
    expect(Number.isFinite(metrics.brier)).toBe(true)
  })

  it('a logistic map over a base that is not logit-additive explains the base score', async () => {
    const raw = await base()
    const outputScale: LoadedModel = { ...raw, describe: () => ({ ...raw.describe(), additivity: 'output', baseline: 0.2 }) }
    const wrapped = withCalibration(outputScale, logistic(0, 2))
    expect(wrapped.describe().additivity).toBe('none')
    expect(await wrapped.explain(rows.slice(0, 1))).toEqual(await raw.explain(rows.slice(0, 1)))
  })
})

describe('the calibration in a manifest', () => {
  const parse = (calibration: unknown) => ModelManifestSchema.safeParse({ ...manifest, calibration }).success
  it('accepts the two methods and refuses malformed ones', () => {
    expect(parse(logistic(-0.1, 0.9))).toBe(true)
    expect(parse(isotonic)).toBe(true)
    expect(parse({ ...logistic(0, 1), prior: [isotonic] })).toBe(true)
    expect(parse(logistic(0, -0.5))).toBe(false)
    expect(parse(logistic(0, 0))).toBe(false)
    expect(parse({ method: 'platt', intercept: 0, slope: 1, base: { version: '1.0.0' } })).toBe(false)
    expect(parse({ ...isotonic, x: [0.1, 0.1, 0.6] })).toBe(false)
    expect(parse({ ...isotonic, y: [0.3, 0.2, 0.7] })).toBe(false)
    expect(parse({ ...isotonic, y: [0.3, 0.7] })).toBe(false)
    expect(parse({ ...isotonic, y: [0, 0.2, 1.5] })).toBe(false)
    expect(parse({ ...logistic(0, 1), prior: [{ ...isotonic, base: undefined, x: [0.5, 0.4, 0.6] }] })).toBe(false)
    expect(parse({ method: 'logistic', intercept: 0, slope: 1 })).toBe(false)
  })

  it('is applied by the registry when the version loads: same files, recalibrated scores', async () => {
    const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()], config: { resolveTtlMs: 0, rateLimits: false } })
    await importModels(nexora)
    const stored = await nexora.ports.get('modelStore').getFiles('readmission-risk', '1.0.0')
    await nexora.registry.register({ ...manifest, version: '1.0.1', calibration: logistic(-0.4, 0.7) }, stored!)
    const request = { model: 'readmission-risk', rows: rows.slice(0, 3), explain: true }
    const [v0, v1] = [await nexora.predict({ ...request, version: '1.0.0' }), await nexora.predict({ ...request, version: '1.0.1' })]
    v1.predictions.forEach((p, i) => expect(p.score).toBeCloseTo(sigmoid(-0.4 + 0.7 * logit(v0.predictions[i]!.score)), 14))
    // The threshold (0.3) labels the recalibrated score.
    v1.predictions.forEach((p) => expect(p.label).toBe(p.score >= 0.3 ? 'high' : 'low'))
    await nexora.close()
  })
})
