/**
 * `raw_input_contents` / `raw_output_contents` of the gRPC Open Inference Protocol: each tensor
 * flattened row-major, little-endian, no padding; BYTES elements are a 4-byte little-endian
 * length followed by the bytes. This is how Triton's and KServe's clients send tensors.
 */
import { NexoraError } from '../../core/index.ts'
import type { TensorElement } from '../oip/index.ts'

const WIDTH: Record<string, number> = { BOOL: 1, INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, FP16: 2, INT32: 4, UINT32: 4, FP32: 4, INT64: 8, UINT64: 8, FP64: 8 }

const invalid = (path: string, message: string) => new NexoraError('request.invalid', { detail: `${path} ${message}`, issues: [{ path, message }] })

/** IEEE 754 half precision to a number (FP16 travels only as raw bytes). */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decode UTF-8 bytes of a BYTES element: the JSON shape carries text, so other bytes are refused. */
export function text(bytes: Uint8Array, path: string, index: number): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw invalid(path, `element ${index} is not UTF-8 text`)
  }
}

/** One tensor's raw bytes as JSON elements. Element count against the shape is the OIP core's check. */
export function decodeRaw(datatype: string, bytes: Uint8Array, path: string): TensorElement[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (datatype === 'BYTES') {
    const out: string[] = []
    for (let at = 0; at < bytes.length; ) {
      if (at + 4 > bytes.length) throw invalid(path, 'has a truncated BYTES length prefix')
      const length = view.getUint32(at, true)
      if (at + 4 + length > bytes.length) throw invalid(path, `element ${out.length} runs past the end of the contents`)
      out.push(text(bytes.subarray(at + 4, at + 4 + length), path, out.length))
      at += 4 + length
    }
    return out
  }
  const width = WIDTH[datatype]
  // An unknown datatype decodes to nothing: the OIP core names the datatype in its error.
  if (width === undefined) return []
  if (bytes.length % width !== 0) throw invalid(path, `is not a whole number of ${datatype} elements`)
  const read = (at: number): TensorElement => {
    switch (datatype) {
      case 'BOOL':
        return view.getUint8(at) !== 0
      case 'INT8':
        return view.getInt8(at)
      case 'UINT8':
        return view.getUint8(at)
      case 'INT16':
        return view.getInt16(at, true)
      case 'UINT16':
        return view.getUint16(at, true)
      case 'FP16':
        return half(view.getUint16(at, true))
      case 'INT32':
        return view.getInt32(at, true)
      case 'UINT32':
        return view.getUint32(at, true)
      case 'FP32':
        return view.getFloat32(at, true)
      // Past ±2^53 Number() rounds outward, so the OIP core's range check still refuses the value.
      case 'INT64':
        return Number(view.getBigInt64(at, true))
      case 'UINT64':
        return Number(view.getBigUint64(at, true))
      default:
        return view.getFloat64(at, true)
    }
  }
  return Array.from({ length: bytes.length / width }, (_, i) => read(i * width))
}

const utf8Encoder = new TextEncoder()

/** Response tensors as raw bytes, the mirror of decodeRaw (FP16 excepted: nothing answers with it). */
export function encodeRaw(datatype: string, data: TensorElement[]): Uint8Array {
  if (datatype === 'BYTES') {
    const parts = data.map((v) => utf8Encoder.encode(String(v ?? '')))
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0))
    const view = new DataView(out.buffer)
    let at = 0
    for (const part of parts) {
      view.setUint32(at, part.length, true)
      out.set(part, at + 4)
      at += 4 + part.length
    }
    return out
  }
  const width = WIDTH[datatype]
  if (width === undefined || datatype === 'FP16') throw new NexoraError('internal', { detail: `no raw encoding for output datatype ${datatype}` })
  const out = new Uint8Array(data.length * width)
  const view = new DataView(out.buffer)
  data.forEach((value, i) => {
    const at = i * width
    const n = value === null ? NaN : Number(value)
    switch (datatype) {
      case 'BOOL':
        return view.setUint8(at, value ? 1 : 0)
      case 'INT8':
        return view.setInt8(at, n)
      case 'UINT8':
        return view.setUint8(at, n)
      case 'INT16':
        return view.setInt16(at, n, true)
      case 'UINT16':
        return view.setUint16(at, n, true)
      case 'INT32':
        return view.setInt32(at, n, true)
      case 'UINT32':
        return view.setUint32(at, n, true)
      case 'FP32':
        return view.setFloat32(at, n, true)
      case 'INT64':
        return view.setBigInt64(at, BigInt(n), true)
      case 'UINT64':
        return view.setBigUint64(at, BigInt(n), true)
      default:
        return view.setFloat64(at, n, true)
    }
  })
  return out
}
