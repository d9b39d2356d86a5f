/**
 * Train the demo DeepFM readmission model on the committed synthetic cohort and write its
 * artifacts, manifest and held-out report here. Run:
 *   node --import tsx models/readmission-deepfm/train.ts
 * Deterministic: seeded initialisation, split, shuffles and dropout, so the same backend
 * (wasm in Node) writes the same bytes every time.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import Papa from 'papaparse'
import { auroc, calibration, hashFiles, type FeatureDef, type Row } from '../../core/index.ts'
import { deepfmModelPlugin, type DeepfmTrainOptions } from '../../plugins/model-deepfm/index.ts'
import { FEATURES, type CohortRow } from '../readmission-risk/cohort.ts'
import { fixedHoldout } from '../holdout-split.ts'

const here = (file: string) => new URL(file, import.meta.url)
const cohort = Papa.parse<CohortRow>(readFileSync(here('../readmission-risk/cohort.csv'), 'utf8'), {
  header: true,
  dynamicTyping: true,
  skipEmptyLines: true,
}).data
const toRow = ({ readmitted_30d: _y, ...features }: CohortRow): Row => ({ features })
// Same split as readmission-risk: rows 1–3200 train (with a seeded 15 % early-stopping split inside), 3201–4000 are held out.
const [train, test] = [cohort.slice(0, 3200), cohort.slice(3200, 4000)]
const inputs = FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[]
// Hyper-parameters chosen on the internal validation loss only (lr 0.005/0.002/0.001, dropout 0.1/0.2, k 4/8, l2), never on the held-out rows.
const options: DeepfmTrainOptions = {
  name: 'readmission-deepfm',
  version: '1.0.0',
  inputs,
  seed: 20261126,
  threshold: 0.3,
  embeddingSize: 8,
  hiddenLayers: [32, 16],
  dropout: 0.2,
  learningRate: 0.002,
  epochs: 60,
  batchSize: 64,
  validationSplit: 0.15,
  patience: 6,
}
const started = performance.now()
const artifact = await deepfmModelPlugin.train!({ rows: train.map(toRow), labels: train.map((r) => r.readmitted_30d) }, options)
const trainMs = performance.now() - started
const model = await deepfmModelPlugin.load(artifact)
const labels = test.map((r) => r.readmitted_30d)
const heldOut = await model.evaluate({ rows: test.map(toRow), labels })
const scores = (await model.predict(test.map(toRow))).map((p) => p.score)

// The model card's tables: quintile calibration, operating point and subgroups.
const byScore = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0])
const quintiles = [0, 1, 2, 3, 4].map((q) => {
  const part = byScore.slice((q * byScore.length) / 5, ((q + 1) * byScore.length) / 5)
  return { quintile: q + 1, predicted: part.reduce((s, [p]) => s + p, 0) / part.length, observed: part.reduce((s, [, y]) => s + y, 0) / part.length }
})
const flagged = scores.map((s) => s >= options.threshold!)
const tp = flagged.filter((f, i) => f && labels[i] === 1).length
const positives = labels.filter((y) => y === 1).length
const operating = {
  sensitivity: tp / positives,
  specificity: flagged.filter((f, i) => !f && labels[i] === 0).length / (labels.length - positives),
  ppv: tp / Math.max(1, flagged.filter(Boolean).length),
  flagged: flagged.filter(Boolean).length / labels.length,
}
const subgroup = (keep: (r: CohortRow) => boolean) => {
  const ids = test.map((r, i) => (keep(r) ? i : -1)).filter((i) => i >= 0)
  const [y, p] = [ids.map((i): number => labels[i]!), ids.map((i) => scores[i]!)]
  return { n: ids.length, prevalence: y.reduce((s, v) => s + v, 0) / ids.length, auroc: auroc(y, p), ece: calibration(y, p).ece }
}
const subgroups = {
  F: subgroup((r) => r.sex === 'F'),
  M: subgroup((r) => r.sex === 'M'),
  'age<65': subgroup((r) => r.age < 65),
  'age>=65': subgroup((r) => r.age >= 65),
}

const round = (v: number) => Number(v.toFixed(6))
const manifest = {
  ...artifact.manifest,
  description: '30-day readmission risk after discharge, DeepFM (demo; synthetic data only)',
  labels: ['low', 'high'],
  metrics: Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`heldout_${k}`, round(v)])),
  training: {
    ...artifact.manifest.training,
    data: 'models/readmission-risk/cohort.csv rows 1-3200 (synthetic, seed 20261126); held out: rows 3201-4000',
    split: fixedHoldout(
      'cohort.csv rows 3201-4000',
      train.map((r) => r.readmitted_30d),
      test.map((r) => r.readmitted_30d),
    ),
  },
  // HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
  sourceAttributes: JSON.parse(readFileSync(here('source-attributes.json'), 'utf8')),
  files: await hashFiles(artifact.files),
}
writeFileSync(here('manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
for (const [name, bytes] of Object.entries(artifact.files)) writeFileSync(here(name), bytes)
console.log(
  JSON.stringify(
    {
      trainMs: Math.round(trainMs),
      train: train.length,
      test: test.length,
      ...manifest.metrics,
      operating,
      quintiles,
      subgroups,
      epochsRun: (artifact.manifest.training as { epochsRun: number }).epochsRun,
      backend: (artifact.manifest.training as { backend: string }).backend,
    },
    (_, v) => (typeof v === 'number' ? round(v) : v),
    2,
  ),
)
