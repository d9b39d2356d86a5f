/**
 * Train the shipped `survival-cox` model from R's public `lung` data (NCCTG advanced lung
 * cancer, copied from test/fixtures/survival/lung.csv) and write its artifact and manifest here.
 * Run: `node --import tsx models/survival-cox/train.ts` (deterministic: fixed split, Newton–Raphson).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { hashFiles, type FeatureDef, type Row } from '../../core/index.ts'
import { coxModelPlugin, decodeArtifact } from '../../plugins/model-survival/index.ts'
import { fixedHoldout } from '../holdout-split.ts'

const here = (file: string) => new URL(file, import.meta.url)
const HORIZON = 365

interface Patient {
  time: number
  status: number
  age: number
  sex: number
  ph_ecog: number
}
const [header, ...lines] = readFileSync(here('lung.csv'), 'utf8').trim().split('\n')
const names = header!.split(',')
const patients = lines.map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j]!, Number(v)])) as unknown as Patient)

export const INPUTS: FeatureDef[] = [
  { name: 'age', type: 'number', min: 18, max: 110, unit: 'a', description: 'Age in years' },
  { name: 'sex', type: 'number', min: 1, max: 2, description: 'Sex as coded in the lung data: 1 = male, 2 = female' },
  { name: 'ph_ecog', type: 'number', min: 0, max: 4, description: 'ECOG performance status (0 = fully active … 4 = bedbound)' },
]
const toRow = (p: Patient): Row => ({ features: { age: p.age, sex: p.sex, ph_ecog: p.ph_ecog } })
const dataset = (ps: Patient[]) => ({ rows: ps.map(toRow), labels: ps.map((p) => p.status), times: ps.map((p) => p.time) })

// Every fifth patient (rows 5, 10, …) is held out; the rest train.
const train = patients.filter((_, i) => i % 5 !== 4)
const test = patients.filter((_, i) => i % 5 === 4)
const artifact = await coxModelPlugin.train!(dataset(train), {
  name: 'survival-cox',
  version: '1.0.0',
  inputs: INPUTS,
  horizonDays: HORIZON,
  ties: 'efron',
})
const model = await coxModelPlugin.load(artifact)
const heldOut = await model.evaluate(dataset(test))
// Calibration in the large at the horizon: also by thirds of predicted risk (mean predicted vs Kaplan–Meier observed).
const scores = (await model.predict(dataset(test).rows)).map((p) => p.score)
const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
const thirds = [0, 1, 2].map((k) => order.slice(Math.floor((k * test.length) / 3), Math.floor(((k + 1) * test.length) / 3)))
const thirdMetrics = await Promise.all(thirds.map((idx) => model.evaluate(dataset(idx.map((i) => test[i]!)))))
const byThird = Object.fromEntries(
  thirdMetrics.flatMap((m, k) => [
    [`third${k + 1}_predicted`, m.meanPredictedRisk!],
    [`third${k + 1}_observed`, m.observedRisk!],
  ]),
)
const metrics = { ...heldOut, ...byThird }
const manifest = {
  ...artifact.manifest,
  description: `Probability of death within ${HORIZON} days, advanced lung cancer (demo; R survival::lung data)`,
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`heldout_${k}`, Number(v.toFixed(6))])),
  training: {
    ...artifact.manifest.training,
    data: 'models/survival-cox/lung.csv (R survival 3.5.3 `lung`, complete cases) minus every 5th row',
    baselineAtHorizon: decodeArtifact(artifact.files['model.json']).baselineAtHorizon,
    // The event indicator counts as the positive: deaths on each side of the split.
    split: fixedHoldout(
      'every 5th row of lung.csv (rows 5, 10, …)',
      train.map((p) => p.status),
      test.map((p) => p.status),
    ),
  },
  // HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
  sourceAttributes: JSON.parse(readFileSync(here('source-attributes.json'), 'utf8')),
  files: await hashFiles(artifact.files),
}
writeFileSync(here('manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
writeFileSync(here('model.json'), artifact.files['model.json']!)
console.log(JSON.stringify({ train: train.length, test: test.length, ...manifest.metrics, coefficients: artifact.manifest.training?.coefficients }))
