import { readFile } from 'node:fs/promises'
import { type FeatureValue, NexoraError, type Row } from '../core/index.ts'
import { datasetFromCsv, inferInputs, type TabularDataset } from '../testing/dataset.ts'
import { UsageError } from './args.ts'

export type LoadedDataset = TabularDataset

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
    try {
      return datasetFromCsv(text, { target, ...(timeColumn ? { time: timeColumn } : {}) })
    } catch (error) {
      if (error instanceof NexoraError) throw new UsageError(`--data: ${path}: ${error.detail}`)
      throw error
    }
  }
  if (rows.length === 0) throw new UsageError(`--data: ${path} has no rows`)
  if (labels.some((y) => y !== 0 && y !== 1)) throw new UsageError(`--target: "${target}" must be 0 or 1 in every row`)
  return { dataset: { rows, labels, ...(times ? { times } : {}) }, inputs: inferInputs(rows) }
}
