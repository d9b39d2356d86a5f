import Papa from 'papaparse'
import { type Dataset, type FeatureDef, type FeatureValue, NexoraError, type Row, safeName } from '../core/index.ts'

/** A training set and the inputs its columns imply. */
export interface TabularDataset {
  dataset: Dataset
  inputs: FeatureDef[]
}

/** Inputs from the values: all numbers → number, all booleans → boolean, else a category (its values sorted). */
export function inferInputs(rows: Row[]): FeatureDef[] {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.features)))]
  return names.map((name): FeatureDef => {
    const values = rows.map((r) => r.features[name]).filter((v) => v !== null && v !== undefined)
    if (values.every((v) => typeof v === 'number')) return { name, type: 'number' }
    if (values.every((v) => typeof v === 'boolean')) return { name, type: 'boolean' }
    return { name, type: 'category', categories: [...new Set(values.map(String))].sort() }
  })
}

/**
 * A binary-outcome training set from CSV text with a header row: `target` is the 0/1 label column,
 * `time` (optional) a time column for survival models; every other column is a feature. What
 * `nexora train --data file.csv` reads, for a plugin's own tests and scripts (in `nexora/testing`, not
 * the core entry, so a Worker or browser bundle never meets papaparse's Node fallbacks). Errors name columns, never values.
 * @example
 * const { dataset, inputs } = datasetFromCsv(await (await fetch(url)).text(), { target: 'readmitted_30d' })
 * const artifact = await myPlugin.train!(dataset, { name: 'my-model', version: '1.0.0', inputs })
 */
export function datasetFromCsv(text: string, options: { target: string; time?: string }): TabularDataset {
  const { target, time } = options
  const parsed = Papa.parse<Record<string, FeatureValue>>(text, { header: true, dynamicTyping: true, skipEmptyLines: true })
  const fields = parsed.meta.fields ?? []
  for (const column of [target, time]) {
    if (column !== undefined && !fields.includes(column)) throw new NexoraError('request.invalid', { detail: `no column "${safeName(column)}"` })
  }
  const rows: Row[] = parsed.data.map((record) => ({ features: Object.fromEntries(Object.entries(record).filter(([k]) => k !== target && k !== time)) }))
  const labels = parsed.data.map((r) => Number(r[target]))
  if (rows.length === 0) throw new NexoraError('request.invalid', { detail: 'the CSV has no rows' })
  if (labels.some((y) => y !== 0 && y !== 1)) throw new NexoraError('request.invalid', { detail: `"${safeName(target)}" must be 0 or 1 in every row` })
  const times = time === undefined ? undefined : parsed.data.map((r) => Number(r[time]))
  return { dataset: { rows, labels, ...(times ? { times } : {}) }, inputs: inferInputs(rows) }
}
