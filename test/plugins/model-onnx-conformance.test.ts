import { expect, it } from 'vitest'
import type { FeatureDef } from '../../core/index.ts'
import { FEATURES } from '../../models/readmission-risk/cohort.ts'
import { onnxModelPlugin } from '../../plugins/model-onnx/index.ts'
import { modelPluginConformance } from '../../testing/model-plugin.suite.ts'
import { cohort, shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

const conformance = modelPluginConformance('onnx', async () => {
  const { rows, labels } = cohort()
  const shipped = shippedOnnxArtifact()
  return {
    // ONNX models are trained outside Nexora: the suite checks the shipped artifact.
    plugin: onnxModelPlugin,
    artifact: shipped,
    train: { rows: rows.slice(0, 400), labels: labels.slice(0, 400) },
    score: rows.slice(3200, 3208),
    options: {
      name: 'readmission-onnx',
      version: '1.0.0',
      inputs: FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[],
    },
    // The graph computes in float32, so a provider may round a batch and a single row differently
    // in the last bits (wasm happens not to: 0 difference here). The contributions telescope in
    // float64 to f(row) − f(baseline) as evaluated inside the explanation batch, so additivity is
    // bounded by that same float32 batch rounding, not by the method.
    tolerance: { batch: 1e-7, additivity: 1e-6 },
    metrics: ['auroc', 'auprc', 'brier', 'logLoss', 'ece'],
  }
})

it('tags the shipped model as `onnx` and explains on the logit scale', async () => {
  const { h, artifact } = await conformance.setup()
  expect(artifact.manifest.kind).toBe('onnx')
  expect((await h.plugin.load(artifact)).describe().additivity).toBe('logit')
})
