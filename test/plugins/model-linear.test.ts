import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Row } from '../../core/index.ts'
import { linearModelPlugin } from '../../plugins/model-linear/index.ts'
import { auroc, averagePrecision, brierScore, calibration, logLoss } from '../../core/index.ts'

interface Fit {
  C: number
  coef: number[]
  intercept: number
  proba: number[]
  auroc: number
  logLoss: number
  brier: number
  averagePrecision: number
  calibration: { probTrue: number[]; probPred: number[] }
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn/breast_cancer_logreg.json', import.meta.url), 'utf8')) as {
  featureNames: string[]
  X: number[][]
  y: number[]
  fits: Fit[]
}
const inputs = fixture.featureNames.map((name) => ({ name, type: 'number' as const }))
const rows: Row[] = fixture.X.map((x) => ({ features: Object.fromEntries(fixture.featureNames.map((n, j) => [n, x[j]!])) }))

describe('linear model against scikit-learn (breast_cancer, StandardScaler + LogisticRegression)', () => {
  for (const fit of fixture.fits) {
    it(`C=${fit.C}: coefficients, intercept and probabilities match to 1e-6`, async () => {
      const artifact = await linearModelPlugin.train!({ rows, labels: fixture.y }, { name: 'bc', version: '1.0.0', inputs, C: fit.C })
      const stored = JSON.parse(new TextDecoder().decode(artifact.files['model.json']))
      stored.coef.forEach((c: number, j: number) => expect(Math.abs(c - fit.coef[j]!)).toBeLessThan(1e-6))
      expect(Math.abs(stored.intercept - fit.intercept)).toBeLessThan(1e-6)
      const model = await linearModelPlugin.load(artifact)
      const predictions = await model.predict(rows)
      predictions.forEach((p, i) => expect(Math.abs(p.score - fit.proba[i]!)).toBeLessThan(1e-6))
    })
  }

  it('metrics match scikit-learn on the reference probabilities to 1e-12', () => {
    const fit = fixture.fits[0]!
    expect(Math.abs(auroc(fixture.y, fit.proba) - fit.auroc)).toBeLessThan(1e-12)
    expect(Math.abs(logLoss(fixture.y, fit.proba) - fit.logLoss)).toBeLessThan(1e-12)
    expect(Math.abs(brierScore(fixture.y, fit.proba) - fit.brier)).toBeLessThan(1e-12)
    expect(Math.abs(averagePrecision(fixture.y, fit.proba) - fit.averagePrecision)).toBeLessThan(1e-12)
    const curve = calibration(fixture.y, fit.proba, 10)
    curve.probTrue.forEach((v, i) => expect(Math.abs(v - fit.calibration.probTrue[i]!)).toBeLessThan(1e-12))
    curve.probPred.forEach((v, i) => expect(Math.abs(v - fit.calibration.probPred[i]!)).toBeLessThan(1e-12))
    expect(curve.probTrue).toHaveLength(fit.calibration.probTrue.length)
  })

  it('explanations add up to the logit minus the intercept', async () => {
    const artifact = await linearModelPlugin.train!({ rows, labels: fixture.y }, { name: 'bc', version: '1.0.0', inputs })
    const model = await linearModelPlugin.load(artifact)
    const { intercept } = JSON.parse(new TextDecoder().decode(artifact.files['model.json']))
    const sample = rows.slice(0, 25)
    const [scores, explanations] = [await model.predict(sample), await model.explain(sample)]
    scores.forEach((p, i) => {
      const logit = Math.log(p.score / (1 - p.score))
      const total = explanations[i]!.reduce((s, c) => s + c.contribution, 0)
      expect(Math.abs(total - (logit - intercept))).toBeLessThan(1e-9)
      expect(explanations[i]!).toHaveLength(fixture.featureNames.length)
    })
  })
})

describe('auroc ties', () => {
  it('counts tied scores as half, like roc_auc_score', () => {
    expect(auroc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5)
    expect(auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75)
    expect(Number.isNaN(auroc([1, 1], [0.2, 0.3]))).toBe(true)
  })
})
