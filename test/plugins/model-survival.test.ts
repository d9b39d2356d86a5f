import { describe, expect, it } from 'vitest'
import { NexoraError, type FeatureDef } from '../../core/index.ts'
import { normalQuantile, chiSquareSf, normalTwoSided } from '../../plugins/model-survival/distributions.ts'
import { concordanceIndex, coxModelPlugin, decodeArtifact, fitCox, kaplanMeier, logRankTest, nelsonAalen } from '../../plugins/model-survival/index.ts'

const code = (f: () => unknown) => {
  try {
    f()
    return 'ok'
  } catch (e) {
    return e instanceof NexoraError ? e.code : 'not a NexoraError'
  }
}

describe('distributions', () => {
  it('match R qnorm / pchisq / pnorm', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14)
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12)
    expect(chiSquareSf(3.84145882069412, 1)).toBeCloseTo(0.05, 13)
    expect(chiSquareSf(25.4037, 3) / 1.271266e-5).toBeCloseTo(1, 4)
    expect(normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 14)
  })
})

describe('Kaplan–Meier and Nelson–Aalen by hand', () => {
  // Events before censorings at t = 8: the censored subject is at risk at 8.
  const data = { times: [5, 8, 8, 12], events: [1, 1, 0, 1] }
  it('steps at every distinct time with events before censorings', () => {
    const km = kaplanMeier(data)
    expect(km.times).toEqual([5, 8, 12])
    expect(km.atRisk).toEqual([4, 3, 1])
    expect(km.survival).toEqual([0.75, 0.5, 0])
    expect(km.stdErr[0]).toBeCloseTo(Math.sqrt(1 / 12), 15)
    expect(km.stdErr[2]).toBe(Infinity)
    expect(Number.isNaN(km.lower[2]!)).toBe(true)
    expect(nelsonAalen(data).cumulativeHazard).toEqual([0.25, 0.25 + 1 / 3, 0.25 + 1 / 3 + 1])
  })
  it('rejects bad data with coded errors', () => {
    expect(code(() => kaplanMeier({ times: [1, 2], events: [1] }))).toBe('request.invalid')
    expect(code(() => kaplanMeier({ times: [1, 2], events: [1, 2] }))).toBe('request.invalid')
    expect(code(() => kaplanMeier({ times: [], events: [] }))).toBe('request.invalid')
    expect(code(() => nelsonAalen({ times: [Number.NaN], events: [1] }))).toBe('request.invalid')
    expect(code(() => logRankTest({ times: [1, 2], events: [1, 1], groups: ['a', 'a'] }))).toBe('request.invalid')
  })
})

describe('concordance', () => {
  it('counts ties in risk as one half and event/censoring ties as comparable', () => {
    expect(concordanceIndex({ times: [1, 2, 3], events: [1, 1, 0] }, [3, 2, 1]).concordance).toBe(1)
    expect(concordanceIndex({ times: [1, 2, 3], events: [1, 1, 0] }, [1, 2, 3]).concordance).toBe(0)
    expect(concordanceIndex({ times: [1, 1], events: [1, 0] }, [2, 2])).toMatchObject({ concordance: 0.5, tiedRisk: 1 })
    expect(concordanceIndex({ times: [1, 1], events: [1, 1] }, [2, 1])).toMatchObject({ tiedTime: 1, concordant: 0 })
  })
})

describe('fitCox', () => {
  const times = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
  const events = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0]
  const x = [[3], [2], [2], [1], [3], [0], [1], [0], [1], [0], [0], [1]]
  it('shrinks towards zero with an L2 penalty and reports a median', () => {
    const plain = fitCox({ times, events, covariates: x, names: ['x'] })
    const ridge = fitCox({ times, events, covariates: x, names: ['x'] }, { l2: 5 })
    expect(Math.abs(ridge.coefficients.x!)).toBeLessThan(Math.abs(plain.coefficients.x!))
    expect(plain.medianSurvival([0])).toBeGreaterThan(plain.medianSurvival([3])!)
    expect(plain.predictSurvival([1], [0])).toEqual([1])
    expect(JSON.parse(JSON.stringify(plain)).coefficients.x).toBe(plain.coefficients.x)
  })
  it('rejects constant covariates and no events', () => {
    expect(code(() => fitCox({ times, events, covariates: x.map(() => [1]), names: ['c'] }))).toBe('request.invalid')
    expect(code(() => fitCox({ times, events: events.map(() => 0), covariates: x, names: ['x'] }))).toBe('request.invalid')
  })
})

describe('the cox ModelPlugin', () => {
  const inputs: FeatureDef[] = [
    { name: 'age', type: 'number' },
    { name: 'stage', type: 'category', categories: ['I', 'II', 'III'] },
  ]
  const n = 60
  const rows = Array.from({ length: n }, (_, i) => ({ features: { age: 40 + ((i * 7) % 40), stage: ['I', 'II', 'III'][i % 3]! } }))
  const times = rows.map((_, i) => 30 + ((i * 37) % 700))
  const labels = rows.map((_, i) => (i % 4 === 3 ? 0 : 1))
  it('one-hot encodes categories against their first level and explains per feature', async () => {
    const artifact = await coxModelPlugin.train!({ rows, labels, times }, { name: 't', version: '1.0.0', inputs, horizonDays: 365 })
    const parsed = decodeArtifact(artifact.files['model.json'])
    expect(parsed.columns).toEqual([{ feature: 'age' }, { feature: 'stage', category: 'II' }, { feature: 'stage', category: 'III' }])
    const model = await coxModelPlugin.load(artifact)
    const [explanation] = await model.explain(rows.slice(0, 1))
    expect(explanation!.map((c) => c.feature)).toEqual(['age', 'stage'])
    const metrics = await model.evaluate({ rows, labels, times })
    expect(metrics.cIndex).toBeGreaterThan(0)
    await expect(model.evaluate({ rows, labels })).rejects.toMatchObject({ code: 'request.invalid' })
  })
  it('fails training and loading with coded errors', async () => {
    const options = { name: 't', version: '1.0.0', inputs }
    await expect(coxModelPlugin.train!({ rows, labels }, options)).rejects.toMatchObject({ code: 'model.train_failed' })
    await expect(coxModelPlugin.train!({ rows, labels, times }, { ...options, horizonDays: 1 })).rejects.toMatchObject({ code: 'model.train_failed' })
    const manifest = { name: 't', version: '1.0.0', kind: 'cox', inputs, outputs: [] }
    await expect(coxModelPlugin.load({ manifest, files: { 'model.json': new TextEncoder().encode('{"format":"nexora-cox-v1"}') } })).rejects.toMatchObject({
      code: 'model.load_failed',
    })
    await expect(coxModelPlugin.load({ manifest, files: {} })).rejects.toMatchObject({ code: 'model.load_failed' })
  })
})

describe('the shipped survival-cox model', () => {
  it('matches its sha256, stays under 5 MB and scores a patient', async () => {
    const { readFileSync } = await import('node:fs')
    const { hashFiles } = await import('../../core/index.ts')
    const dir = new URL('../../models/survival-cox/', import.meta.url)
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'))
    const files = { 'model.json': new Uint8Array(readFileSync(new URL('model.json', dir))) }
    expect(await hashFiles(files)).toEqual(manifest.files)
    expect(files['model.json'].length).toBeLessThan(5 * 1024 * 1024)
    expect(manifest).toMatchObject({ name: 'survival-cox', version: '1.0.0', kind: 'cox', outputs: [{ name: 'risk', type: 'probability' }] })
    const model = await coxModelPlugin.load({ manifest, files })
    const [young, old] = await model.predict([{ features: { age: 50, sex: 2, ph_ecog: 0 } }, { features: { age: 75, sex: 1, ph_ecog: 3 } }])
    expect(young!.score).toBeLessThan(old!.score)
  })
})
