import type { FeatureDef, Row } from '../../core/index.ts'

/** One covariate column: a number or boolean feature, or one non-reference level of a category. */
export interface Column {
  feature: string
  category?: string
}

/**
 * Covariate columns for the inputs. A category is one-hot encoded without its first level
 * (the reference): with all levels the columns sum to one and a Cox model, which has no
 * intercept to absorb that, would be unidentifiable.
 */
export function columnsFor(inputs: FeatureDef[]): Column[] {
  return inputs.flatMap((d) =>
    d.type === 'category' ? (d.categories ?? []).slice(1).map((category) => ({ feature: d.name, category })) : [{ feature: d.name }],
  )
}

/** Encode rows; a missing optional value becomes the column mean, so it contributes nothing. */
export function encodeRows(rows: Row[], columns: Column[], mean?: number[]): number[][] {
  return rows.map((row) =>
    columns.map((col, j) => {
      const value = row.features[col.feature]
      if (value === null || value === undefined) return mean?.[j] ?? Number.NaN
      if (col.category !== undefined) return value === col.category ? 1 : 0
      return Number(value)
    }),
  )
}

export const columnName = (c: Column) => (c.category === undefined ? c.feature : `${c.feature}=${c.category}`)
