import { expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import type { FeatureDef } from '../../core/index.ts'
import { coxModelPlugin, decodeArtifact, logHazardFromRisk } from '../../plugins/model-survival/index.ts'
import { modelPluginConformance } from '../../testing/model-plugin.suite.ts'

const conformance = modelPluginConformance('cox', async () => {
  const [header, ...lines] = readFileSync(new URL('../fixtures/survival/lung.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
  const names = header!.split(',')
  const records = lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j]!, Number(v)])))
  const inputs: FeatureDef[] = ['age', 'sex', 'ph_ecog'].map((name) => ({ name, type: 'number' }))
  const rows = records.map((r) => ({ features: { age: r.age!, sex: r.sex!, ph_ecog: r.ph_ecog! } }))
  const train = { rows, labels: records.map((r) => r.status!), times: records.map((r) => r.time!) }
  const options = { name: 'cox-conformance', version: '1.0.0', inputs, seed: 1, horizonDays: 365 }
  // The additive scale: log partial hazard relative to the mean subject, recovered from the score
  // with the trained model's H₀(horizon) (training is deterministic, so this is the suite's model).
  const artifact = decodeArtifact((await coxModelPlugin.train!(train, options)).files['model.json'])
  return {
    plugin: coxModelPlugin,
    train,
    score: rows.slice(0, 8),
    options,
    tolerance: { batch: 1e-12, additivity: 1e-9 },
    output: (s: number) => logHazardFromRisk(artifact, s),
    metrics: ['cIndex', 'logLikelihood'],
  }
})

it('explains on the log partial hazard, which orders patients as the horizon risk does', { timeout: 300_000 }, async () => {
  const { h, artifact } = await conformance.setup()
  const model = await h.plugin.load(artifact)
  expect(artifact.manifest.kind).toBe('cox')
  expect(model.describe()).toMatchObject({ additivity: 'output', baseline: 0 })
  const scores = (await model.predict(h.score)).map((p) => p.score)
  const byRisk = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  const logHazards = scores.map(h.output!)
  byRisk.slice(1).forEach((i, k) => expect(logHazards[i]!).toBeGreaterThanOrEqual(logHazards[byRisk[k]!]!))
})
