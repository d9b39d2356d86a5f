/**
 * Train the FHIR demo model: the synthetic FHIR cohort (devtools/fhir-server, seeded) run
 * through `feature-spec.json` with each patient's index discharge as the index time, and a
 * logistic regression on the result. The spec goes into the manifest, so
 * `POST /fhir/patient/{id}/predict` extracts exactly these features. Run: `npm run demo:train:fhir`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { hashFiles } from '../../core/index.ts'
import { generateFhirCohort } from '../../devtools/fhir-server/index.ts'
import { ClinicalETL, type ExtractedRow } from '../../plugins/etl/index.ts'
import { linearModelPlugin } from '../../plugins/model-linear/index.ts'
import { fixedHoldout } from '../holdout-split.ts'

const here = (file: string) => new URL(file, import.meta.url)
const spec = JSON.parse(readFileSync(here('feature-spec.json'), 'utf8'))
// The CDS Hooks opt-in (plugins/cds-hooks): kept in its own file so retraining keeps it.
const cdsHooks = JSON.parse(readFileSync(here('cds-hooks.json'), 'utf8'))
const SEED = 4242
const PATIENTS = 1500

const cohort = generateFhirCohort({ patients: PATIENTS, seed: SEED })
const etl = new ClinicalETL(spec)
const records = etl.fromBundle({ entry: cohort.resources.map((resource) => ({ resource })) as never })
const {
  rows,
  manifest: features,
  report,
} = await etl.extractFeatures(records, {
  indexTime: (id) => cohort.outcomes[id]!.indexDischarge,
  now: Date.parse('2026-06-30T00:00:00Z'),
})
const label = (r: ExtractedRow) => cohort.outcomes[r.patientId]!.readmitted30d
const toRow = (r: ExtractedRow) => ({ features: Object.fromEntries(Object.entries(r.features).filter(([, v]) => v !== null)) })
const cut = Math.floor(rows.length * 0.8)
const [train, test] = [rows.slice(0, cut), rows.slice(cut)]
const artifact = await linearModelPlugin.train!(
  { rows: train.map(toRow), labels: train.map(label) },
  {
    name: 'readmission-fhir',
    version: '1.0.0',
    inputs: features.inputs,
    C: 1,
    threshold: 0.3,
  },
)
const model = await linearModelPlugin.load(artifact)
const heldOut = await model.evaluate({ rows: test.map(toRow), labels: test.map(label) })
const manifest = {
  ...artifact.manifest,
  description: '30-day readmission risk from the FHIR record (demo; synthetic data only)',
  labels: ['low', 'high'],
  featureSpec: spec,
  cdsHooks,
  metrics: Object.fromEntries(Object.entries(heldOut).map(([k, v]) => [`heldout_${k}`, Number(v.toFixed(6))])),
  training: {
    ...artifact.manifest.training,
    data: `generateFhirCohort({ patients: ${PATIENTS}, seed: ${SEED} }), first 80 % of patients; index time = index discharge`,
    etl: report.skipped,
    split: fixedHoldout(`patients ${cut + 1}-${rows.length} in cohort order`, train.map(label), test.map(label)),
  },
  // HTI-1 source attributes: written by hand (and models/cohort-figures.ts), kept in their own file so retraining keeps them.
  sourceAttributes: JSON.parse(readFileSync(here('source-attributes.json'), 'utf8')),
  files: await hashFiles(artifact.files),
}
writeFileSync(here('manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
writeFileSync(here('model.json'), artifact.files['model.json']!)
console.log(
  JSON.stringify({
    train: train.length,
    test: test.length,
    prevalence: rows.filter((r) => label(r)).length / rows.length,
    ...manifest.metrics,
    skipped: report.skipped,
  }),
)
