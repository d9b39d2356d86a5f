import { NexoraError } from '../../core/index.ts'
import { DATATYPES, type Datatype, type RequestInput, type TensorElement } from './types.ts'

/** A request input checked against its datatype and shape, its data flat and row-major. */
export interface DecodedTensor {
  name: string
  datatype: Datatype
  shape: number[]
  values: TensorElement[]
}

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/
/** A client-chosen name appears in an error only if it looks like a tensor name (never free text). */
export const shown = (name: unknown) => (typeof name === 'string' && SAFE_NAME.test(name) ? name : '<unprintable>')

const FP32_MAX = 3.4028234663852886e38
const INTEGER_RANGES: Partial<Record<Datatype, [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  // JSON numbers are doubles: 64-bit integers are exact only within ±2^53.
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
}

/** Datatypes a client may send. FP16 is in the protocol but JSON gives no faithful half-precision value. */
const ACCEPTED = new Set<string>(DATATYPES.filter((d) => d !== 'FP16'))

export const isNumeric = (d: Datatype) => d !== 'BOOL' && d !== 'BYTES'

const invalid = (path: string, message: string) => new NexoraError('request.invalid', { detail: `${path}: ${message}`, issues: [{ path, message }] })

/** Check one element against the datatype; FP32 values are rounded to single precision as the type says. */
function element(datatype: Datatype, value: unknown): TensorElement | undefined {
  if (value === null) return null
  if (datatype === 'BOOL') return typeof value === 'boolean' ? value : undefined
  if (datatype === 'BYTES') return typeof value === 'string' ? value : undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const range = INTEGER_RANGES[datatype]
  if (range) return Number.isInteger(value) && value >= range[0] && value <= range[1] ? value : undefined
  if (datatype === 'FP32') return Math.abs(value) <= FP32_MAX ? Math.fround(value) : undefined
  return value
}

/** Flatten canonical (nested) data, which must nest exactly as the shape says; flat data passes as is. */
function flatten(data: unknown[], shape: number[], path: string): unknown[] {
  if (!data.some(Array.isArray)) return data
  const out: unknown[] = []
  const walk = (node: unknown, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw invalid(path, 'nested deeper than the shape')
      out.push(node)
      return
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) throw invalid(path, `nested data does not match the shape at dimension ${depth}`)
    for (const child of node) walk(child, depth + 1)
  }
  walk(data, 0)
  return out
}

/**
 * Check a request input: a known datatype, a shape of non-negative integers, no binary data
 * (the JSON transport carries none), data whose element count equals the shape's product and
 * whose every element fits the datatype. Errors name the tensor and element index, never a value.
 */
export function decodeTensor(input: RequestInput, index: number): DecodedTensor {
  const path = `inputs[${index}]`
  const name = shown(input.name)
  if (typeof input.name !== 'string' || input.name.length === 0) throw invalid(`${path}.name`, 'a tensor name is required')
  if (!ACCEPTED.has(input.datatype)) {
    throw invalid(
      `${path}.datatype`,
      `input "${name}": datatype ${DATATYPES.includes(input.datatype as Datatype) ? `${input.datatype} is not supported` : 'is not a protocol datatype'}; ` +
        `use BOOL, INT8–INT64, UINT8–UINT64, FP32, FP64 or BYTES`,
    )
  }
  const datatype = input.datatype as Datatype
  if (input.parameters && 'binary_data_size' in input.parameters)
    throw invalid(`${path}.parameters`, `input "${name}": binary tensor data is not supported; send JSON data`)
  if (!Array.isArray(input.shape) || input.shape.length === 0 || !input.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(`${path}.shape`, `input "${name}": the shape must list one or more non-negative integers`)
  }
  if (!Array.isArray(input.data)) throw invalid(`${path}.data`, `input "${name}": data must be an array`)
  const flat = flatten(input.data, input.shape, `${path}.data`)
  const expected = input.shape.reduce((a, b) => a * b, 1)
  if (flat.length !== expected)
    throw invalid(`${path}.data`, `input "${name}": shape [${input.shape.join(',')}] needs ${expected} elements, data has ${flat.length}`)
  const values = flat.map((v, i) => {
    const checked = element(datatype, v)
    if (checked === undefined) throw invalid(`${path}.data`, `input "${name}": element ${i} is not a valid ${datatype}`)
    return checked
  })
  return { name: input.name, datatype, shape: input.shape, values }
}
