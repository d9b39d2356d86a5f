import { z } from 'zod'
import { NexoraError, type ClinicalEvent, type FeatureDef, type FeatureValue, type Row } from '../../core/index.ts'
import { isNumeric, shown, type DecodedTensor } from './tensors.ts'
import type { TensorElement } from './types.ts'

/** The input tensor that carries each row's clinical events, for sequence models. */
export const SEQUENCE_INPUT = 'sequence'
const MAX_EVENTS = 4096

const Events = z
  .array(
    z
      .object({
        code: z.string().min(1).max(128),
        time: z.string().datetime({ offset: true }),
        value: z.number().finite().optional(),
      })
      .strict(),
  )
  .max(MAX_EVENTS)

const invalid = (message: string) => new NexoraError('request.invalid', { detail: message })

/**
 * One element as a feature value. A number feature takes any numeric tensor (BOOL as 1/0);
 * a boolean one takes BOOL or a numeric 0/1; a category takes BYTES (its value) or, in a
 * numeric tensor, its 0-based index in the manifest's categories. `null` leaves the feature out.
 */
function featureValue(def: FeatureDef, tensor: DecodedTensor, value: TensorElement, at: number): FeatureValue | undefined {
  if (value === null) return undefined
  const bad = (expected: string) => invalid(`input "${tensor.name}": element ${at} cannot be feature "${def.name}" (${expected})`)
  if (def.type === 'number') {
    if (typeof value === 'boolean') return value ? 1 : 0
    if (typeof value === 'number') return value
    throw bad('a number: send a numeric datatype')
  }
  if (def.type === 'boolean') {
    if (typeof value === 'boolean') return value
    if (value === 0 || value === 1) return value === 1
    throw bad('a boolean: send BOOL, or 0/1')
  }
  if (typeof value === 'string') return value
  if (typeof value === 'number' && isNumeric(tensor.datatype) && Number.isInteger(value) && def.categories && value >= 0 && value < def.categories.length)
    return def.categories[value]!
  throw bad('a category: send BYTES, or its index in the declared categories')
}

function sequenceOf(tensor: DecodedTensor, value: TensorElement, at: number): ClinicalEvent[] | undefined {
  if (value === null) return undefined
  let parsed: unknown
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : undefined
  } catch {
    parsed = undefined
  }
  const events = Events.safeParse(parsed)
  if (!events.success) throw invalid(`input "${tensor.name}": element ${at} is not a JSON array of at most ${MAX_EVENTS} events {code, time, value?}`)
  return events.data
}

/** The batch size of a per-row tensor: shape [batch] or [batch, 1]. */
function rowsOf(tensor: DecodedTensor): number {
  const [batch, width, ...rest] = tensor.shape
  if (rest.length > 0 || (width !== undefined && width !== 1)) throw invalid(`input "${shown(tensor.name)}": shape must be [batch] or [batch, 1]`)
  return batch!
}

/**
 * Tensors to rows, either of two layouts (see docs/oip.md):
 * - one tensor per feature, named as the feature, shape [batch] or [batch, 1];
 * - a single tensor of any other name, shape [batch, n], its columns the manifest's inputs in order.
 * Sequence models also take a `sequence` BYTES tensor, one JSON array of events per row.
 */
export function tensorsToRows(tensors: DecodedTensor[], inputs: FeatureDef[], takesSequence: boolean, patientRef?: string): Row[] {
  const names = new Set<string>()
  for (const t of tensors) {
    if (names.has(t.name)) throw invalid(`input "${shown(t.name)}" appears twice`)
    names.add(t.name)
  }
  const defs = new Map(inputs.map((d) => [d.name, d]))
  const sequence = takesSequence ? tensors.find((t) => t.name === SEQUENCE_INPUT && !defs.has(t.name)) : undefined
  const features = tensors.filter((t) => defs.has(t.name))
  const others = tensors.filter((t) => t !== sequence && !defs.has(t.name))
  if (others.length > 1 || (others.length === 1 && features.length > 0)) {
    throw invalid(
      `input "${shown(others[0]!.name)}" is not an input of this model${others.length === 1 ? ', and a packed tensor must be the only feature input' : ''}`,
    )
  }
  const packed = others[0]
  if (packed && (packed.shape.length !== 2 || packed.shape[1] !== inputs.length)) {
    throw invalid(`input "${shown(packed.name)}" is neither an input of this model nor a packed [batch, ${inputs.length}] tensor`)
  }
  const batches = [...features.map(rowsOf), ...(sequence ? [rowsOf(sequence)] : []), ...(packed ? [packed.shape[0]!] : [])]
  const batch = batches[0] ?? 0
  if (batches.some((b) => b !== batch)) throw invalid('the inputs disagree on the batch size (their first dimension)')
  return Array.from({ length: batch }, (_, r) => {
    const row: Row = { features: {} }
    if (patientRef !== undefined) row.patientRef = patientRef
    const set = (def: FeatureDef, tensor: DecodedTensor, at: number) => {
      const value = featureValue(def, tensor, tensor.values[at]!, at)
      if (value !== undefined) row.features[def.name] = value
    }
    if (packed) inputs.forEach((def, c) => set(def, packed, r * inputs.length + c))
    for (const t of features) set(defs.get(t.name)!, t, r)
    const events = sequence && sequenceOf(sequence, sequence.values[r]!, r)
    if (events) row.sequence = events
    return row
  })
}
