import { create, fromBinary, toBinary } from '@bufbuild/protobuf'
import { describe, expect, it } from 'vitest'
import { NexoraError } from '../../core/index.ts'
import { ModelInferRequestSchema, ModelInferResponseSchema } from '../../plugins/grpc/gen/inference/grpc_predict_v2_pb.ts'
import { decodeRaw, encodeRaw } from '../../plugins/grpc/raw.ts'
import { fromInferRequest, toInferResponse } from '../../plugins/grpc/tensors.ts'

const request = (init: Parameters<typeof create<typeof ModelInferRequestSchema>>[1]) => create(ModelInferRequestSchema, init)
const utf8 = (s: string) => new TextEncoder().encode(s)
function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof NexoraError ? `${e.code} ${e.issues?.[0]?.path ?? ''}`.trim() : 'not a NexoraError'
  }
  return undefined
}

/** Little-endian bytes of one tensor, written the way numpy's tobytes() does on x86. */
function le(kind: 'f64' | 'f32' | 'i32' | 'i64' | 'u16', values: number[]): Uint8Array {
  const width = { f64: 8, f32: 4, i32: 4, i64: 8, u16: 2 }[kind]
  const view = new DataView(new ArrayBuffer(values.length * width))
  values.forEach((v, i) => {
    if (kind === 'f64') view.setFloat64(i * 8, v, true)
    else if (kind === 'f32') view.setFloat32(i * 4, v, true)
    else if (kind === 'i32') view.setInt32(i * 4, v, true)
    else if (kind === 'i64') view.setBigInt64(i * 8, BigInt(v), true)
    else view.setUint16(i * 2, v, true)
  })
  return new Uint8Array(view.buffer)
}

describe("ModelInferRequest → the OIP core's JSON request", () => {
  it('reads typed contents from the field each datatype names, with shapes, parameters and requested outputs', () => {
    const json = fromInferRequest(
      request({
        modelName: 'm',
        id: 'req-1',
        parameters: {
          patient_ref: { parameterChoice: { case: 'stringParam', value: 'Patient/1' } },
          explain: { parameterChoice: { case: 'boolParam', value: true } },
        },
        inputs: [
          { name: 'age', datatype: 'FP64', shape: [2n], contents: { fp64Contents: [71, 54] } },
          { name: 'visits', datatype: 'INT64', shape: [2n], contents: { int64Contents: [3n, -1n] } },
          { name: 'smoker', datatype: 'BOOL', shape: [2n], contents: { boolContents: [true, false] } },
          { name: 'sex', datatype: 'BYTES', shape: [2n], contents: { bytesContents: [utf8('F'), utf8('M')] } },
          { name: 'small', datatype: 'UINT8', shape: [1n, 2n], contents: { uintContents: [1, 255] } },
        ],
        outputs: [{ name: 'score' }],
      }),
    )
    expect(json).toEqual({
      id: 'req-1',
      parameters: { patient_ref: 'Patient/1', explain: true },
      inputs: [
        { name: 'age', datatype: 'FP64', shape: [2], data: [71, 54] },
        { name: 'visits', datatype: 'INT64', shape: [2], data: [3, -1] },
        { name: 'smoker', datatype: 'BOOL', shape: [2], data: [true, false] },
        { name: 'sex', datatype: 'BYTES', shape: [2], data: ['F', 'M'] },
        { name: 'small', datatype: 'UINT8', shape: [1, 2], data: [1, 255] },
      ],
      outputs: [{ name: 'score' }],
    })
  })

  it('decodes raw_input_contents little-endian, BYTES with 4-byte length prefixes (what Triton clients send)', () => {
    const bytes = new Uint8Array([1, 0, 0, 0, 70, 2, 0, 0, 0, 0x68, 0x69])
    const json = fromInferRequest(
      request({
        modelName: 'm',
        inputs: [
          { name: 'a', datatype: 'FP64', shape: [2n] },
          { name: 'b', datatype: 'FP32', shape: [1n] },
          { name: 'c', datatype: 'INT32', shape: [2n] },
          { name: 's', datatype: 'BYTES', shape: [2n] },
          { name: 'h', datatype: 'FP16', shape: [2n] },
        ],
        rawInputContents: [le('f64', [71.5, -2]), le('f32', [0.1]), le('i32', [-7, 2147483647]), bytes, le('u16', [0x3c00, 0xc000])],
      }),
    )
    expect(json.inputs.map((i) => i.data)).toEqual([[71.5, -2], [Math.fround(0.1)], [-7, 2147483647], ['F', 'hi'], [1, -2]])
  })

  it('refuses contents the spec forbids, before the model is reached, naming paths not values', () => {
    const raw = { name: 'a', datatype: 'FP64', shape: [1n] }
    expect(code(() => fromInferRequest(request({ inputs: [raw, raw], rawInputContents: [le('f64', [1])] })))).toBe('request.invalid raw_input_contents')
    expect(code(() => fromInferRequest(request({ inputs: [{ ...raw, contents: { fp64Contents: [1] } }], rawInputContents: [le('f64', [1])] })))).toBe(
      'request.invalid inputs[0].contents',
    )
    expect(code(() => fromInferRequest(request({ inputs: [{ ...raw, contents: { fp32Contents: [1] } }] })))).toBe('request.invalid inputs[0].contents')
    expect(code(() => fromInferRequest(request({ inputs: [raw], rawInputContents: [new Uint8Array(7)] })))).toBe('request.invalid raw_input_contents[0]')
    expect(code(() => decodeRaw('BYTES', new Uint8Array([9, 0, 0, 0, 1]), 'x'))).toBe('request.invalid x')
    expect(code(() => decodeRaw('BYTES', new Uint8Array([1, 0, 0, 0, 0xff]), 'x'))).toBe('request.invalid x')
    expect(code(() => fromInferRequest(request({ parameters: { p: {} }, inputs: [] })))).toBe('request.invalid parameters.p')
  })

  it("hands 64-bit integers beyond ±2^53 on rounded outward, so the OIP core's range check refuses them", () => {
    const [input] = fromInferRequest(request({ inputs: [{ name: 'n', datatype: 'INT64', shape: [1n], contents: { int64Contents: [2n ** 53n + 1n] } }] })).inputs
    expect(input!.data[0]).toBeGreaterThan(Number.MAX_SAFE_INTEGER)
  })
})

describe("the OIP core's JSON response → ModelInferResponse", () => {
  const response = {
    model_name: 'm',
    model_version: '1.0.0',
    id: 'req-1',
    outputs: [
      { name: 'score', datatype: 'FP64' as const, shape: [2], data: [0.25, 0.75] },
      { name: 'label', datatype: 'BYTES' as const, shape: [2], parameters: { content_type: 'str' }, data: ['low', 'high'] },
    ],
  }

  it('answers with typed contents by default, and survives the wire', () => {
    const wire = fromBinary(ModelInferResponseSchema, toBinary(ModelInferResponseSchema, create(ModelInferResponseSchema, toInferResponse(response, false))))
    expect([wire.modelName, wire.modelVersion, wire.id]).toEqual(['m', '1.0.0', 'req-1'])
    expect(wire.outputs[0]!.contents!.fp64Contents).toEqual([0.25, 0.75])
    expect(wire.outputs[0]!.shape).toEqual([2n])
    expect(wire.outputs[1]!.contents!.bytesContents.map((b) => new TextDecoder().decode(b))).toEqual(['low', 'high'])
    expect(wire.outputs[1]!.parameters.content_type!.parameterChoice).toEqual({ case: 'stringParam', value: 'str' })
    expect(wire.rawOutputContents).toEqual([])
  })

  it('answers raw when the request came raw, readable back by the raw decoder', () => {
    const msg = toInferResponse(response, true)
    expect(msg.outputs!.every((o) => o.contents === undefined)).toBe(true)
    expect(decodeRaw('FP64', msg.rawOutputContents![0]!, 'r')).toEqual([0.25, 0.75])
    expect(decodeRaw('BYTES', msg.rawOutputContents![1]!, 'r')).toEqual(['low', 'high'])
  })

  it('encodes raw tensors of every fixed-width datatype as decodeRaw reads them', () => {
    const cases: [string, number[] | boolean[]][] = [
      ['BOOL', [true, false]],
      ['INT8', [-128, 127]],
      ['UINT16', [0, 65535]],
      ['INT32', [-5, 5]],
      ['UINT32', [4294967295]],
      ['INT64', [-(2 ** 40)]],
      ['UINT64', [2 ** 40]],
      ['FP32', [Math.fround(1.5)]],
      ['FP64', [Math.PI]],
    ]
    for (const [datatype, data] of cases) expect(decodeRaw(datatype, encodeRaw(datatype, data), 'r'), datatype).toEqual(data)
  })
})
