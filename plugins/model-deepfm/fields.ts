import type { FeatureDef, Row } from '../../core/index.ts'

/**
 * One input field and its slots in the shared embedding table. Numbers take one slot whose
 * embedding is scaled by the standardised value (dense-field DeepFM); booleans take two slots
 * (false, true) and categories one per category (sparse one-hot fields).
 */
export interface FieldSpec {
  name: string
  type: FeatureDef['type']
  /** First slot of this field in the embedding table. */
  offset: number
  size: number
  categories?: string[]
  /** Numbers: training mean and population standard deviation. */
  mean?: number
  scale?: number
  /** Sparse fields: the most frequent slot (within the field) in training, the baseline value. */
  mode?: number
}

/** `preprocess.json`: the field encoders learned at training. */
export interface Preprocess {
  format: 'nexora-deepfm-preprocess-v1'
  fields: FieldSpec[]
  /** Total slots, the rows of the embedding table. */
  slots: number
}

/** Per row and field: which slot is active and with what value (0 = absent: zero embedding). */
export interface Encoded {
  index: Int32Array
  value: Float64Array
}

function slotOf(field: FieldSpec, raw: unknown): number {
  if (field.type === 'boolean') return raw === true ? 1 : raw === false ? 0 : -1
  return field.categories!.indexOf(String(raw))
}

/** Learn means, scales and modes from training rows. */
export function fitPreprocess(inputs: FeatureDef[], rows: Row[]): Preprocess {
  let offset = 0
  const fields = inputs.map((def): FieldSpec => {
    if (def.type === 'number') {
      const xs = rows.map((r) => r.features[def.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
      const mean = xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length)
      const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, xs.length)
      return { name: def.name, type: 'number', offset: offset++, size: 1, mean, scale: variance > 0 ? Math.sqrt(variance) : 1 }
    }
    const base = { name: def.name, type: def.type, offset, size: def.type === 'boolean' ? 2 : (def.categories ?? []).length }
    const field: FieldSpec = def.type === 'category' ? { ...base, categories: [...(def.categories ?? [])] } : base
    const counts = new Array<number>(field.size).fill(0)
    for (const r of rows) {
      const s = slotOf(field, r.features[def.name])
      if (s >= 0) counts[s]!++
    }
    offset += field.size
    // A field with no categories keeps mode 0 (its baseline value is 0 anyway).
    return { ...field, mode: field.size > 0 ? counts.indexOf(Math.max(...counts)) : 0 }
  })
  return { format: 'nexora-deepfm-preprocess-v1', fields, slots: offset }
}

/**
 * Encode one row. A missing optional number sits at its mean (z = 0); a missing or unknown
 * category gets value 0, i.e. a zero embedding and no first-order term.
 */
export function encodeRow(pre: Preprocess, row: Row): Encoded {
  const index = new Int32Array(pre.fields.length)
  const value = new Float64Array(pre.fields.length)
  pre.fields.forEach((f, i) => {
    const raw = row.features[f.name]
    index[i] = f.offset
    if (raw === null || raw === undefined) return
    if (f.type === 'number') value[i] = (Number(raw) - f.mean!) / f.scale!
    else {
      const s = slotOf(f, raw)
      if (s >= 0) {
        index[i] = f.offset + s
        value[i] = 1
      }
    }
  })
  return { index, value }
}

/** The documented baseline patient: every number at its training mean, every sparse field at its mode. */
export function baselineRow(pre: Preprocess): Encoded {
  const index = Int32Array.from(pre.fields, (f) => f.offset + (f.mode ?? 0))
  const value = Float64Array.from(pre.fields, (f) => (f.type === 'number' ? 0 : f.size > 0 ? 1 : 0))
  return { index, value }
}
