import { expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import type { FeatureDef } from '../../core/index.ts'
import { FEATURES, type CohortRow } from '../../models/readmission-risk/cohort.ts'
import { deepfmModelPlugin, type DeepfmTrainOptions } from '../../plugins/model-deepfm/index.ts'
import { modelPluginConformance } from '../../testing/model-plugin.suite.ts'

const conformance = modelPluginConformance('deepfm', async () => {
  const cohort = Papa.parse<CohortRow>(readFileSync(new URL('../../models/readmission-risk/cohort.csv', import.meta.url), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data.slice(0, 400)
  const rows = cohort.map(({ readmitted_30d: _y, ...features }) => ({ features }))
  const inputs = FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[]
  const options: DeepfmTrainOptions = { name: 'deepfm-conformance', version: '1.0.0', inputs, seed: 7, epochs: 6 }
  return {
    plugin: deepfmModelPlugin,
    train: { rows, labels: cohort.map((r) => r.readmitted_30d) },
    score: rows.slice(0, 8),
    options,
    // Prediction is per-row plain JS, so batch and single agree exactly; the explanation is an
    // exact decomposition (piecewise-linear IG), so additivity holds to float rounding.
    tolerance: { batch: 0, additivity: 1e-9 },
    metrics: ['auroc', 'auprc', 'brier', 'logLoss', 'ece'],
  }
})

it('tags its artifacts as `deepfm` and explains on the logit scale', { timeout: 300_000 }, async () => {
  const { h, artifact } = await conformance.setup()
  expect(artifact.manifest.kind).toBe('deepfm')
  expect((await h.plugin.load(artifact)).describe().additivity).toBe('logit')
})
