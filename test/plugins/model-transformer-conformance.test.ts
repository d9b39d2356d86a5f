import { expect, it } from 'vitest'
import { generateSequenceCohort, INPUTS } from '../../models/mortality-transformer/cohort.ts'
import { transformerModelPlugin } from '../../plugins/model-transformer/index.ts'
import { modelPluginConformance } from '../../testing/model-plugin.suite.ts'

const conformance = modelPluginConformance('transformer', async () => {
  const cohort = generateSequenceCohort(300, 11)
  const rows = cohort.map((p) => p.row)
  return {
    plugin: transformerModelPlugin,
    train: { rows, labels: cohort.map((p) => p.label) },
    score: rows.slice(0, 8),
    options: {
      name: 'transformer-conformance',
      version: '1.0.0',
      inputs: INPUTS,
      seed: 3,
      // Tiny on purpose: the contract, not the accuracy, is under test.
      dim: 16,
      heads: 2,
      layers: 1,
      ffDim: 32,
      maxLength: 32,
      epochs: 2,
      batchSize: 32,
      minCount: 2,
      igSteps: 128,
    },
    // Integrated gradients is a quadrature: completeness holds up to its discretisation error.
    tolerance: { batch: 1e-5, additivity: 5e-3 },
    metrics: ['auroc', 'auprc', 'brier', 'logLoss', 'ece'],
  }
})

it('tags its artifacts as `transformer` and explains on the logit scale', { timeout: 300_000 }, async () => {
  const { h, artifact } = await conformance.setup()
  expect(artifact.manifest.kind).toBe('transformer')
  expect((await h.plugin.load(artifact)).describe().additivity).toBe('logit')
})
