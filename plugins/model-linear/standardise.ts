import type { FeatureDef, Row } from '../../core/index.ts'

/** One design-matrix column: a number or boolean feature, or one category of a category feature. */
export interface Column {
  feature: string
  category?: string
}

/** The columns for a list of inputs: categories are one-hot encoded, all of them (L2 keeps it identifiable). */
export function columnsFor(inputs: FeatureDef[]): Column[] {
  return inputs.flatMap((d) => (d.type === 'category' ? (d.categories ?? []).map((category) => ({ feature: d.name, category })) : [{ feature: d.name }]))
}

/**
 * Encode rows into a dense matrix. Missing optional values become the column mean after
 * standardising (i.e. zero), so they contribute nothing to the score or its explanation.
 */
export function encodeRows(rows: Row[], columns: Column[], mean?: number[]): Float64Array[] {
  return rows.map((row) =>
    Float64Array.from(columns, (col, j) => {
      const value = row.features[col.feature]
      if (value === null || value === undefined) return mean?.[j] ?? 0
      if (col.category !== undefined) return value === col.category ? 1 : 0
      return typeof value === 'boolean' ? Number(value) : Number(value)
    }),
  )
}

/** Column means and population standard deviations (ddof 0, like scikit-learn's StandardScaler). */
export function fitScaler(x: Float64Array[], width: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(width).fill(0)
  const scale = new Array<number>(width).fill(0)
  for (const row of x) for (let j = 0; j < width; j++) mean[j]! += row[j]! / x.length
  for (const row of x) for (let j = 0; j < width; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / x.length
  // A constant column keeps scale 1, as StandardScaler does, instead of dividing by zero.
  return { mean, scale: scale.map((v) => (v > 0 ? Math.sqrt(v) : 1)) }
}

export function standardise(x: Float64Array[], mean: number[], scale: number[]): Float64Array[] {
  return x.map((row) => row.map((v, j) => (v - mean[j]!) / scale[j]!))
}
