import { readFile } from 'node:fs/promises'
import Papa from 'papaparse'
import type { Dataset, FeatureDef, FeatureValue, Row } from '../core/index.ts'
import { UsageError } from './args.ts'

export interface LoadedDataset {
  dataset: Dataset
  inputs: FeatureDef[]
}

/** Infer inputs from the values: all numbers → number, all booleans → boolean, else a category. */
function inferInputs(rows: Row[]): FeatureDef[] {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.features)))]
  return names.map((name): FeatureDef => {
    const values = rows.map((r) => r.features[name]).filter((v) => v !== null && v !== undefined)
    if (values.every((v) => typeof v === 'number')) return { name, type: 'number' }
    if (values.every((v) => typeof v === 'boolean')) return { name, type: 'boolean' }
    return { name, type: 'category', categories: [...new Set(values.map(String))].sort() }
  })
}

/**
 * A training file: CSV with a header row (one column the target, optionally one the time), or
 * JSON / JSON Lines of `{ features, sequence?, label, time? }` (for sequence models).
 */
export async function loadDatasetFile(path: string, target: string, timeColumn?: string): Promise<LoadedDataset> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--data: cannot read ${path}`)
  })
  let rows: Row[]
  let labels: number[]
  let times: number[] | undefined
  if (/\.(jsonl|ndjson|json)$/i.test(path)) {
    const records = (
      /\.json$/i.test(path)
        ? JSON.parse(text)
        : text
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l))
    ) as { features?: Record<string, FeatureValue>; sequence?: Row['sequence']; label?: number; time?: number; [k: string]: unknown }[]
    rows = records.map((r) => ({ features: r.features ?? {}, ...(r.sequence ? { sequence: r.sequence } : {}) }))
    labels = records.map((r) => Number(r.label ?? r[target]))
    if (timeColumn) times = records.map((r) => Number(r.time ?? r[timeColumn]))
  } else {
    const parsed = Papa.parse<Record<string, FeatureValue>>(text, { header: true, dynamicTyping: true, skipEmptyLines: true })
    if (!parsed.meta.fields?.includes(target)) throw new UsageError(`--target: no column "${target}" in ${path}`)
    if (timeColumn && !parsed.meta.fields.includes(timeColumn)) throw new UsageError(`--time: no column "${timeColumn}" in ${path}`)
    rows = parsed.data.map((record) => ({ features: Object.fromEntries(Object.entries(record).filter(([k]) => k !== target && k !== timeColumn)) }))
    labels = parsed.data.map((r) => Number(r[target]))
    if (timeColumn) times = parsed.data.map((r) => Number(r[timeColumn]))
  }
  if (rows.length === 0) throw new UsageError(`--data: ${path} has no rows`)
  if (labels.some((y) => y !== 0 && y !== 1)) throw new UsageError(`--target: "${target}" must be 0 or 1 in every row`)
  return { dataset: { rows, labels, ...(times ? { times } : {}) }, inputs: inferInputs(rows) }
}
