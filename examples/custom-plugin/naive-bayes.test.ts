import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { createNexora, type FeatureDef, memoryStorage } from 'nexora'
import { datasetFromCsv, modelPluginConformance } from 'nexora/testing'
import { naiveBayes, naiveBayesPlugin } from './naive-bayes.ts'

// The demo model's training cohort and its inputs (only files: the example imports nothing but the package).
const { dataset } = datasetFromCsv(readFileSync(new URL('../../models/readmission-risk/cohort.csv', import.meta.url), 'utf8'), { target: 'readmitted_30d' })
const { rows, labels } = dataset
const manifest = JSON.parse(readFileSync(new URL('../../models/readmission-risk/manifest.json', import.meta.url), 'utf8')) as { inputs: FeatureDef[] }
const inputs = manifest.inputs

// The same contract every shipped model plugin passes.
modelPluginConformance('naive-bayes (examples/custom-plugin)', async () => ({
  plugin: naiveBayesPlugin,
  train: { rows: rows.slice(0, 600), labels: labels.slice(0, 600) },
  score: rows.slice(3200, 3208),
  options: { name: 'nb-conformance', version: '1.0.0', inputs },
  tolerance: { batch: 0, additivity: 1e-9 },
  metrics: ['auroc', 'auprc', 'brier', 'logLoss', 'ece'],
}))

it('serves through createNexora like any shipped model, and learns the cohort', async () => {
  const artifact = await naiveBayesPlugin.train!({ rows: rows.slice(0, 3200), labels: labels.slice(0, 3200) }, { name: 'nb', version: '1.0.0', inputs })
  const nexora = await createNexora({ plugins: [memoryStorage(), naiveBayes()] })
  await nexora.registry.register(artifact.manifest, artifact.files)
  const result = await nexora.predict(
    { model: 'nb', rows: rows.slice(3200, 3202), explain: true },
    { subject: 't', scopes: ['nexora/predict'], roles: [], via: 'in-process' },
  )
  expect(result.predictions).toHaveLength(2)
  expect(result.predictions[0]!.explanation!.length).toBe(inputs.length)
  const held = await (await naiveBayesPlugin.load(artifact)).evaluate({ rows: rows.slice(3200), labels: labels.slice(3200) })
  // The synthetic truth is logistic; naive Bayes should still rank well above chance (the linear model gets 0.746).
  expect(held.auroc).toBeGreaterThan(0.68)
  await nexora.close()
})
