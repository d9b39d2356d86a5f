/**
 * The figures the demo models' source attributes quote that their training scripts do not write:
 * the demographics of the rows that trained each model (HTI-1 (B)(4)(iii)) and, for
 * readmission-fhir, held-out discrimination by subgroup ((B)(7)(ii)). Computed from the committed
 * or seeded data and the committed model, so `test/models/source-attributes.test.ts` recomputes
 * every one. Run: `node --import tsx models/cohort-figures.ts` prints them.
 */
import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import { auroc } from '../core/index.ts'
import { generateFhirCohort } from '../devtools/fhir-server/index.ts'
import { ClinicalETL, type ExtractedRow } from '../plugins/etl/index.ts'
import { linearModelPlugin } from '../plugins/model-linear/index.ts'
import { generateSequenceCohort } from './mortality-transformer/cohort.ts'

export interface Person {
  age: number
  sex?: string
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',')
const round1 = (x: number) => Math.round(x * 10) / 10
/** Linear interpolation between order statistics (R's type 7, numpy's default). */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo)
}

/**
 * `n = 3,200; sex F 1,590 (49.7 %), M 1,610 (50.3 %); age in years median 64, quartiles 54–74, range 18–100`.
 * @example
 * describeDemographics([{ age: 50, sex: 'F' }, { age: 70, sex: 'M' }]) // 'n = 2; sex F 1 (50.0 %), M 1 (50.0 %); age in years median 60, …'
 */
export function describeDemographics(people: Person[], sexLabels: Record<string, string> = {}): string {
  const ages = people.map((p) => p.age).sort((a, b) => a - b)
  const parts = [`n = ${grouped(people.length)}`]
  const sexes = [...new Set(people.flatMap((p) => (p.sex === undefined ? [] : [p.sex])))].sort()
  if (sexes.length > 0) {
    const count = (s: string) => people.filter((p) => p.sex === s).length
    parts.push(`sex ${sexes.map((s) => `${sexLabels[s] ?? s} ${grouped(count(s))} (${((100 * count(s)) / people.length).toFixed(1)} %)`).join(', ')}`)
  }
  const q = (p: number) => round1(quantile(ages, p))
  parts.push(`age in years median ${q(0.5)}, quartiles ${q(0.25)}–${q(0.75)}, range ${round1(ages[0]!)}–${round1(ages.at(-1)!)}`)
  return parts.join('; ')
}

const here = (file: string) => new URL(file, import.meta.url)

/** Rows 1–3,200 of models/readmission-risk/cohort.csv: what readmission-risk, -deepfm and -onnx trained on. */
export function tabularTraining(): Person[] {
  const rows = Papa.parse<{ age: number; sex: string }>(readFileSync(here('readmission-risk/cohort.csv'), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data
  return rows.slice(0, Math.floor(rows.length * 0.8)).map((r) => ({ age: r.age, sex: r.sex }))
}

let fhirRows: Promise<{ rows: ExtractedRow[]; readmitted: (r: ExtractedRow) => number }> | undefined
/** `generateFhirCohort({ patients: 1500, seed: 4242 })` through the feature spec, as models/readmission-fhir/train.ts extracts it (once per process). */
const fhirCohort = () =>
  (fhirRows ??= (async () => {
    const cohort = generateFhirCohort({ patients: 1500, seed: 4242 })
    const etl = new ClinicalETL(JSON.parse(readFileSync(here('readmission-fhir/feature-spec.json'), 'utf8')))
    const records = etl.fromBundle({ entry: cohort.resources.map((resource) => ({ resource })) as never })
    const { rows } = await etl.extractFeatures(records, {
      indexTime: (id) => cohort.outcomes[id]!.indexDischarge,
      now: Date.parse('2026-06-30T00:00:00Z'),
    })
    return { rows, readmitted: (r: ExtractedRow) => Number(cohort.outcomes[r.patientId]!.readmitted30d) }
  })())

/** The first 80 % of the extracted rows (the training rows, as train.ts splits them). */
export async function fhirTraining(): Promise<Person[]> {
  const { rows } = await fhirCohort()
  return rows.slice(0, Math.floor(rows.length * 0.8)).map((r) => ({ age: Number(r.features.age), sex: String(r.features.sex) }))
}

/** Held-out AUROC of the committed readmission-fhir model by sex and age group, with the group's size and events. */
export async function fhirHeldOutSubgroups(): Promise<{ group: string; n: number; measures: { auroc: number; events: number } }[]> {
  const { rows, readmitted } = await fhirCohort()
  const test = rows.slice(Math.floor(rows.length * 0.8))
  const manifest = JSON.parse(readFileSync(here('readmission-fhir/manifest.json'), 'utf8'))
  const model = await linearModelPlugin.load({ manifest, files: { 'model.json': new Uint8Array(readFileSync(here('readmission-fhir/model.json'))) } })
  const present = (r: ExtractedRow) => ({ features: Object.fromEntries(Object.entries(r.features).filter(([, v]) => v !== null)) })
  const scores = (await model.predict(test.map(present))).map((p) => p.score)
  const groups: [string, (r: ExtractedRow) => boolean][] = [
    ['sex female', (r) => r.features.sex === 'female'],
    ['sex male', (r) => r.features.sex === 'male'],
    ['age < 65', (r) => Number(r.features.age) < 65],
    ['age ≥ 65', (r) => Number(r.features.age) >= 65],
  ]
  return groups.map(([group, keep]) => {
    const ids = test.flatMap((r, i) => (keep(r) ? [i] : []))
    const labels = ids.map((i) => readmitted(test[i]!))
    const value = auroc(
      labels,
      ids.map((i) => scores[i]!),
    )
    return { group, n: ids.length, measures: { auroc: Number(value.toFixed(3)), events: labels.reduce((s, y) => s + y, 0) } }
  })
}

/** Patients 1–4,000 of `generateSequenceCohort(5000, 20261126)`: the cohort simulates age only. */
export function sequenceTraining(): Person[] {
  return generateSequenceCohort(5000, 20261126)
    .slice(0, 4000)
    .map((p) => ({ age: Number(p.row.features.age) }))
}

/** models/survival-cox/lung.csv without every fifth row (the held-out set), as its train.ts splits it; `sex` 1 = male, 2 = female. */
export function lungTraining(): Person[] {
  const [header, ...lines] = readFileSync(here('survival-cox/lung.csv'), 'utf8').trim().split('\n')
  const names = header!.split(',')
  return lines
    .map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j]!, Number(v)])))
    .filter((_, i) => i % 5 !== 4)
    .map((p) => ({ age: p.age!, sex: String(p.sex) }))
}

export const LUNG_SEX = { '1': 'male', '2': 'female' }

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(`tabular (readmission-risk, -deepfm, -onnx): ${describeDemographics(tabularTraining())}`)
  console.log(`readmission-fhir: ${describeDemographics(await fhirTraining())}`)
  console.log(`readmission-fhir held-out subgroups: ${JSON.stringify(await fhirHeldOutSubgroups())}`)
  console.log(`mortality-transformer: ${describeDemographics(sequenceTraining())}`)
  console.log(`survival-cox: ${describeDemographics(lungTraining(), LUNG_SEX)}`)
}
