import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { fixedHoldout } from '../../models/holdout-split.ts'
import { generateSequenceCohort } from '../../models/mortality-transformer/cohort.ts'

const manifest = (id: string) => JSON.parse(readFileSync(new URL(`../../models/${id}/manifest.json`, import.meta.url), 'utf8'))
const csv = (path: string) =>
  Papa.parse<Record<string, number>>(readFileSync(new URL(`../../models/${path}`, import.meta.url), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data

/** Each demo manifest records how its rows were split, and the record agrees with the committed data. */
describe('the demo models’ recorded splits', () => {
  it('match the cohort rows each script holds out', () => {
    const y = csv('readmission-risk/cohort.csv').map((r) => r.readmitted_30d!)
    const cohort = fixedHoldout('cohort.csv rows 3201-4000', y.slice(0, 3200), y.slice(3200, 4000))
    for (const id of ['readmission-risk', 'readmission-deepfm', 'readmission-onnx']) expect(manifest(id).training.split).toEqual(cohort)

    const lung = csv('survival-cox/lung.csv').map((r) => r.status!)
    expect(manifest('survival-cox').training.split).toEqual(
      fixedHoldout(
        'every 5th row of lung.csv (rows 5, 10, …)',
        lung.filter((_, i) => i % 5 !== 4),
        lung.filter((_, i) => i % 5 === 4),
      ),
    )
    const sequences = generateSequenceCohort(5000, 20261126).map((p) => p.label)
    expect(manifest('mortality-transformer').training.split).toEqual(fixedHoldout('rows 4001-5000', sequences.slice(0, 4000), sequences.slice(4000)))
  })

  it('report only held-out metrics in the manifests', () => {
    for (const id of ['readmission-risk', 'readmission-deepfm', 'readmission-onnx', 'readmission-fhir', 'mortality-transformer', 'survival-cox']) {
      const keys = Object.keys(manifest(id).metrics)
      expect(keys.length).toBeGreaterThan(0)
      expect(keys.every((k) => k.startsWith('heldout_'))).toBe(true)
      expect(manifest(id).training.split.testRows).toBeGreaterThan(0)
    }
  })
})
