/**
 * Train the demo readmission model from the committed synthetic cohort and write its
 * artifact, manifest and metrics here. Run: `npm run demo:train` (deterministic: same
 * cohort, same Newton iterations, same bytes).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import Papa from 'papaparse'
import { hashFiles, type FeatureDef, type Row } from '../../core/index.ts'
import { linearModelPlugin } from '../../plugins/model-linear/index.ts'
import { buildProfile, PROFILE_FILE } from '../../plugins/monitoring/index.ts'
import { FEATURES, generateCohort, type CohortRow } from './cohort.ts'
import { fixedHoldout } from '../holdout-split.ts'

const here = (file: string) => new URL(file, import.meta.url)
const cohortCsv = here('cohort.csv')

export function readCohort(): CohortRow[] {
  const parsed = Papa.parse<CohortRow>(readFileSync(cohortCsv, 'utf8'), { header: true, dynamicTyping: true, skipEmptyLines: true })
  return parsed.data
}

export const toRow = ({ readmitted_30d: _y, ...features }: CohortRow): Row => ({ features })

if (process.argv.includes('--regenerate')) writeFileSync(cohortCsv, Papa.unparse(generateCohort(4000)) + '\n')
const cohort = readCohort()
// The first 80% trains, the last 20% is held out for the model card's metrics.
const cut = Math.floor(cohort.length * 0.8)
const [train, test] = [cohort.slice(0, cut), cohort.slice(cut)]
const inputs = FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[]
const artifact = await linearModelPlugin.train!(
  { rows: train.map(toRow), labels: train.map((r) => r.readmitted_30d) },
  {
    name: 'readmission-risk',
    version: '1.0.0',
    inputs,
    C: 1,
    threshold: 0.3,
  },
)
const model = await linearModelPlugin.load(artifact)
// The training profile the drift report compares live traffic with (a seeded 1,000-row sample).
const trainScores = (await model.predict(train.map(toRow))).map((p) => p.score)
const files = { ...artifact.files, [PROFILE_FILE]: new TextEncoder().encode(JSON.stringify(buildProfile(train.map(toRow), trainScores, { seed: 20261126 }))) }
const heldOut = await model.evaluate({ rows: test.map(toRow), labels: test.map((r) => r.readmitted_30d) })
const manifest = {
  ...artifact.manifest,
  description: '30-day readmission risk after discharge (demo; synthetic data only)',
  labels: ['low', 'high'],
  metrics: Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`heldout_${k}`, Number(v.toFixed(6))])),
  training: {
    ...artifact.manifest.training,
    data: 'models/readmission-risk/cohort.csv rows 1-3200 (synthetic, seed 20261126)',
    split: fixedHoldout(
      'cohort.csv rows 3201-4000',
      train.map((r) => r.readmitted_30d),
      test.map((r) => r.readmitted_30d),
    ),
  },
  // HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
  sourceAttributes: JSON.parse(readFileSync(here('source-attributes.json'), 'utf8')),
  files: await hashFiles(files),
}
writeFileSync(here('manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
writeFileSync(here('model.json'), artifact.files['model.json']!)
writeFileSync(here(PROFILE_FILE), files[PROFILE_FILE])
console.log(JSON.stringify({ train: train.length, test: test.length, ...manifest.metrics }))
