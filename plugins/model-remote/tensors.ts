/**
 * Rows → an Open Inference Protocol v2 request, and its response → scores and explanations, in
 * the JSON shapes of the REST spec (the gRPC client converts them to protobuf and back). The
 * layouts are those plugins/oip reads, so a Nexora server on the other side needs no mapping.
 */
import { z } from 'zod'
import { NexoraError, type Contribution, type FeatureDef, type Row } from '../../core/index.ts'
import './errors.ts'
import type { RemoteSection } from './section.ts'

export type Element = number | string | boolean | null

export interface InputTensor {
  name: string
  datatype: 'FP64' | 'BOOL' | 'BYTES'
  shape: number[]
  data: Element[]
}

export interface InferRequest {
  inputs: InputTensor[]
  outputs: { name: string }[]
  parameters?: Record<string, boolean>
}

export interface OutputTensor {
  name: string
  datatype: string
  shape: number[]
  data: unknown[]
}

export const EXPLANATION = 'explanation'

const bad = (detail: string) => new NexoraError('remote.bad_response', { detail })

/** A missing optional feature travels as JSON null (Nexora's extension); gRPC's typed contents have no null. */
function missing(name: string, canSendNull: boolean): null {
  if (!canSendNull) throw new NexoraError('remote.missing_value', { detail: `feature ${name}: gRPC contents cannot carry a missing value; send it over REST` })
  return null
}

/**
 * The request for a batch of validated rows.
 * @example
 * toRequest(section, manifest.inputs, rows, { explain: false, canSendNull: true }).inputs[0] // { name: 'age', datatype: 'FP64', shape: [2], data: [71, 48] }
 */
export function toRequest(section: RemoteSection, inputs: FeatureDef[], rows: Row[], o: { explain: boolean; canSendNull: boolean }): InferRequest {
  const value = (row: Row, input: FeatureDef) => row.features[input.name] ?? missing(input.name, o.canSendNull)
  let tensors: InputTensor[]
  if (section.inputs.layout === 'per-feature') {
    tensors = inputs.map((input) => ({
      name: input.name,
      datatype: input.type === 'number' ? 'FP64' : input.type === 'boolean' ? 'BOOL' : 'BYTES',
      shape: [rows.length],
      data: rows.map((row) => value(row, input)),
    }))
  } else {
    const data = rows.flatMap((row) =>
      inputs.map((input) => {
        const v = value(row, input)
        if (v === null) return null
        if (input.type === 'boolean') return v ? 1 : 0
        return input.type === 'category' ? (input.categories ?? []).indexOf(String(v)) : Number(v)
      }),
    )
    tensors = [{ name: section.inputs.name, datatype: 'FP64', shape: [rows.length, inputs.length], data }]
  }
  return {
    inputs: tensors,
    outputs: [{ name: section.output }, ...(o.explain ? [{ name: EXPLANATION }] : [])],
    ...(o.explain ? { parameters: { explain: true } } : {}),
  }
}

function output(outputs: OutputTensor[], name: string): OutputTensor {
  const found = outputs.find((t) => t.name === name)
  if (!found) throw bad(`the response has no output "${name}"`)
  return found
}

/**
 * One score per row from the named output, `[batch]` or `[batch, k]` (column `outputIndex`).
 * @throws NexoraError `remote.bad_response` when the tensor is missing, mis-shaped or not finite numbers
 */
export function readScores(section: RemoteSection, outputs: OutputTensor[], batch: number): number[] {
  const tensor = output(outputs, section.output)
  const data = tensor.data.flat(Number.POSITIVE_INFINITY)
  const k = data.length / batch
  // The shape says which dimension is the batch: [batch] or [batch, k], and it must hold the data.
  const shaped = tensor.shape[0] === batch && tensor.shape.length <= 2 && tensor.shape.reduce((a, b) => a * b, 1) === data.length
  if (!shaped || !Number.isInteger(k) || k < 1 || section.outputIndex >= k)
    throw bad(`output "${section.output}" has shape [${tensor.shape.join(', ')}] and ${data.length} values for ${batch} rows`)
  return Array.from({ length: batch }, (_, i) => {
    const v = data[i * k + section.outputIndex]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`output "${section.output}" element ${i * k + section.outputIndex} is not a finite number`)
    return v
  })
}

const Contributions = z.array(z.object({ feature: z.string().min(1).max(256), contribution: z.number().finite() }).loose()).max(10_000)

/**
 * Each row's contributions from the `explanation` BYTES output (one JSON array per row). The
 * remote's `value` is dropped for the row's own: what the caller sent is what gets recorded.
 */
export function readExplanations(outputs: OutputTensor[], rows: Row[]): Contribution[][] {
  const tensor = output(outputs, EXPLANATION)
  if (tensor.data.length !== rows.length) throw bad(`output "${EXPLANATION}" has ${tensor.data.length} elements for ${rows.length} rows`)
  return tensor.data.map((element, i) => {
    let parsed: unknown
    try {
      parsed = typeof element === 'string' ? JSON.parse(element) : undefined
    } catch {
      parsed = undefined
    }
    const checked = Contributions.safeParse(parsed)
    if (!checked.success) throw bad(`output "${EXPLANATION}" element ${i} is not a JSON array of {feature, contribution}`)
    const features = rows[i]!.features
    return checked.data.map((c) => ({
      feature: c.feature,
      ...(c.feature in features ? { value: features[c.feature] ?? null } : {}),
      contribution: c.contribution,
    }))
  })
}
