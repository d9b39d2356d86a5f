/**
 * Train the demo 1-year mortality transformer on the seeded synthetic sequence cohort and write
 * its artifact (`model.json`, `weights.bin`), `manifest.json` and `evaluation.json` here.
 * Run: `npx tsx models/mortality-transformer/train.ts` (deterministic: same cohort, same seed,
 * same bytes on the same backend).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { calibration, classifierMetrics, hashFiles, type Row } from '../../core/index.ts'
import { transformerModelPlugin, type TransformerTrainOptions } from '../../plugins/model-transformer/index.ts'
import { generateSequenceCohort, INPUTS, type CohortPatient } from './cohort.ts'
import { fixedHoldout } from '../holdout-split.ts'

const here = (file: string) => new URL(file, import.meta.url)
const round = (x: number) => Number(x.toFixed(4))
const logit = (p: number) => Math.log(p / (1 - p))

export const COHORT = { n: 5000, seed: 20261126 }
export const OPTIONS: TransformerTrainOptions = {
  name: 'mortality-transformer',
  version: '1.0.0',
  inputs: INPUTS,
  seed: 7,
  threshold: 0.25,
  maxLength: 64,
  dim: 32,
  heads: 4,
  layers: 2,
  ffDim: 64,
  dropout: 0.2,
  pooling: 'mean',
  minCount: 5,
  epochs: 4,
  batchSize: 32,
  learningRate: 0.002,
  igSteps: 256,
}

const cohort = generateSequenceCohort(COHORT.n, COHORT.seed)
// The first 80% trains, the last 20% is held out for the model card's metrics.
const cut = Math.floor(cohort.length * 0.8)
const [train, test] = [cohort.slice(0, cut), cohort.slice(cut)]
const dataset = (ps: CohortPatient[]) => ({ rows: ps.map((p): Row => p.row), labels: ps.map((p) => p.label) })

const started = Date.now()
const artifact = await transformerModelPlugin.train!(dataset(train), OPTIONS, (p) => console.error(`epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`))
const seconds = (Date.now() - started) / 1000
const model = await transformerModelPlugin.load(artifact)
const scores = (await model.predict(test.map((p) => p.row))).map((p) => p.score)
const labels = test.map((p) => p.label)
const heldOut = classifierMetrics(labels, scores)

const subgroup = (name: string, keep: (p: CohortPatient) => boolean) => {
  const idx = test.map((p, i) => (keep(p) ? i : -1)).filter((i) => i >= 0)
  const m = classifierMetrics(
    idx.map((i) => labels[i]!),
    idx.map((i) => scores[i]!),
  )
  return { name, n: idx.length, prevalence: round(idx.reduce((s, i) => s + labels[i]!, 0) / idx.length), auroc: round(m.auroc), brier: round(m.brier) }
}
const age = (p: CohortPatient) => p.row.features.age as number
const hasHf = (p: CohortPatient) => p.row.sequence!.some((e) => e.code === 'ICD10:I50')

// Completeness of integrated gradients on the first 50 held-out rows: |Σ contributions − (logit − baseline)|.
const sample = test.slice(0, 50).map((p) => p.row)
const [sampleScores, explanations] = [await model.predict(sample), await model.explain(sample)]
const baseline = model.describe().baseline!
const gaps = explanations.map((e, i) => Math.abs(e.reduce((s, c) => s + c.contribution, 0) - (logit(sampleScores[i]!.score) - baseline)))

const evaluation = {
  trainRows: train.length,
  testRows: test.length,
  trainSeconds: round(seconds),
  backend: 'tfjs wasm (Node)',
  heldOut: Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [k, round(v)])),
  trueProbabilityHeldOut: Object.fromEntries(
    Object.entries(
      classifierMetrics(
        labels,
        test.map((p) => p.risk),
      ),
    ).map(([k, v]) => [k, round(v)]),
  ),
  calibration: (({ probPred, probTrue, binCounts }) => probPred.map((p, i) => ({ predicted: round(p), observed: round(probTrue[i]!), n: binCounts[i] })))(
    calibration(labels, scores),
  ),
  subgroups: [
    subgroup('age < 65', (p) => age(p) < 65),
    subgroup('age 65–79', (p) => age(p) >= 65 && age(p) < 80),
    subgroup('age ≥ 80', (p) => age(p) >= 80),
    subgroup('heart failure coded', hasHf),
    subgroup('no heart failure coded', (p) => !hasHf(p)),
  ],
  integratedGradients: {
    rows: sample.length,
    steps: OPTIONS.igSteps,
    baselineLogit: round(baseline),
    maxCompletenessGap: gaps.reduce((a, b) => Math.max(a, b), 0),
    meanCompletenessGap: gaps.reduce((a, b) => a + b, 0) / gaps.length,
  },
}

const manifest = {
  ...artifact.manifest,
  description: '1-year mortality risk from the clinical event sequence (demo; synthetic data only)',
  labels: ['low', 'high'],
  metrics: Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`heldout_${k}`, Number(v.toFixed(6))])),
  training: {
    ...artifact.manifest.training,
    data: `generateSequenceCohort(${COHORT.n}, ${COHORT.seed}) rows 1-${cut} (synthetic)`,
    split: fixedHoldout(
      `rows ${cut + 1}-${cohort.length}`,
      train.map((p) => p.label),
      test.map((p) => p.label),
    ),
  },
  // HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
  sourceAttributes: JSON.parse(readFileSync(here('source-attributes.json'), 'utf8')),
  files: await hashFiles(artifact.files),
}
writeFileSync(here('manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
for (const [file, bytes] of Object.entries(artifact.files)) writeFileSync(here(file), bytes)
writeFileSync(here('evaluation.json'), JSON.stringify(evaluation, null, 2) + '\n')
console.log(
  JSON.stringify({
    seconds,
    heldOut: evaluation.heldOut,
    truth: evaluation.trueProbabilityHeldOut.auroc,
    ig: evaluation.integratedGradients,
    subgroups: evaluation.subgroups,
  }),
)
await model.dispose?.()
