import { readFile } from 'node:fs/promises'
import Papa from 'papaparse'
import { UsageError } from './args.ts'

export type Cell = number | string | boolean | null

/** A CSV file with a header row, as columns (typed values; empty cells become null). */
export async function readCsvColumns(path: string, flag: string): Promise<{ columns: Record<string, Cell[]>; rows: number }> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--${flag}: cannot read ${path}`)
  })
  const parsed = Papa.parse<Record<string, Cell>>(text, { header: true, dynamicTyping: true, skipEmptyLines: true })
  const fields = parsed.meta.fields ?? []
  if (fields.length === 0) throw new UsageError(`--${flag}: ${path} has no header row`)
  const columns = Object.fromEntries(fields.map((f) => [f, parsed.data.map((r) => (r[f] === undefined || r[f] === '' ? null : r[f]!))]))
  return { columns, rows: parsed.data.length }
}
