import type { Row } from '../../core/index.ts'
import type { OnnxColumn, OnnxMapping } from './mapping.ts'

type Value = Row['features'][string]

/** One column's number for a value: a category is one-hot, a boolean 0/1, then (x − center) / scale. */
export function encodeValue(column: OnnxColumn, value: Value): number {
  const raw = column.category !== undefined ? Number(value === column.category) : Number(value)
  return (raw - (column.center ?? 0)) / (column.scale ?? 1)
}

/**
 * The tabular layout of a mapping: the features in order of their first column, and for each
 * column the index of its feature, so an explanation can move a category's one-hot columns together.
 */
export interface Layout {
  features: string[]
  featureOf: Int32Array
}

export function layoutOf(mapping: OnnxMapping): Layout {
  const features = [...new Set(mapping.columns.map((c) => c.feature))]
  return { features, featureOf: Int32Array.from(mapping.columns, (c) => features.indexOf(c.feature)) }
}

/**
 * A row's columns, in float64. A missing (null or absent) optional feature takes its baseline
 * value, so it moves the score nowhere and its contribution is zero.
 * @example
 * encodeRow(mapping, { features: { age: 70, sex: 'M', ... } }) // Float64Array [70, 0, 1, ...]
 */
export function encodeRow(mapping: OnnxMapping, row: Row): Float64Array {
  return Float64Array.from(mapping.columns, (col) => {
    const value = row.features[col.feature]
    return encodeValue(col, value === null || value === undefined ? mapping.baseline[col.feature]! : value)
  })
}

/**
 * Pack encoded rows into one `[rows, width]` buffer of the graph's element type. Float32 rounding
 * happens here, once, exactly as `torch.tensor(..., dtype=float32)` rounds the same float64 numbers.
 */
export function packRows(rows: Float64Array[], width: number, dtype: OnnxMapping['dtype']): Float32Array | Float64Array {
  const out = dtype === 'float64' ? new Float64Array(rows.length * width) : new Float32Array(rows.length * width)
  rows.forEach((r, i) => out.set(r, i * width))
  return out
}
