/**
 * protobuf ModelInferRequest / ModelInferResponse ↔ the JSON-shaped payloads of plugins/oip/core.ts.
 * Only the encoding changes here; what a tensor means (datatypes, shapes, rows, outputs) is the
 * OIP core's, so REST and gRPC answer the same request the same way.
 */
import type { MessageInitShape } from '@bufbuild/protobuf'
import { NexoraError } from '../../core/index.ts'
import { shown, type InferRequest, type InferResponse, type Parameters, type RequestInput, type TensorElement } from '../oip/index.ts'
import type {
  InferParameter,
  InferParameterSchema,
  InferTensorContents,
  InferTensorContentsSchema,
  ModelInferRequest,
  ModelInferResponseSchema,
} from './gen/inference/grpc_predict_v2_pb.ts'
import { decodeRaw, encodeRaw, text } from './raw.ts'

const invalid = (path: string, message: string) => new NexoraError('request.invalid', { detail: `${path} ${message}`, issues: [{ path, message }] })

/** Which InferTensorContents field carries each datatype (the proto's comments say which). */
const FIELD: Record<string, keyof Omit<InferTensorContents, '$typeName' | '$unknown'>> = {
  BOOL: 'boolContents',
  INT8: 'intContents',
  INT16: 'intContents',
  INT32: 'intContents',
  INT64: 'int64Contents',
  UINT8: 'uintContents',
  UINT16: 'uintContents',
  UINT32: 'uintContents',
  UINT64: 'uint64Contents',
  FP32: 'fp32Contents',
  FP64: 'fp64Contents',
  BYTES: 'bytesContents',
}
const FIELDS = [...new Set(Object.values(FIELD))]
const utf8 = new TextEncoder()

function fromParameters(parameters: Record<string, InferParameter>, path: string): Parameters | undefined {
  const entries = Object.entries(parameters)
  if (entries.length === 0) return undefined
  return Object.fromEntries(
    entries.map(([key, p]) => {
      const choice = p.parameterChoice
      if (choice.case === undefined) throw invalid(`${path}.${shown(key)}`, 'has no value')
      // int64 → number: past ±2^53 the value is rounded, as a JSON client's would be.
      return [key, choice.case === 'int64Param' ? Number(choice.value) : choice.value]
    }),
  )
}

function toParameters(parameters: Parameters | undefined): Record<string, MessageInitShape<typeof InferParameterSchema>> {
  return Object.fromEntries(
    Object.entries(parameters ?? {}).map(([key, v]) => [
      key,
      {
        // The proto has no double parameter: a fractional number travels as its decimal text.
        parameterChoice:
          typeof v === 'boolean'
            ? { case: 'boolParam', value: v }
            : typeof v === 'string'
              ? { case: 'stringParam', value: v }
              : Number.isInteger(v)
                ? { case: 'int64Param', value: BigInt(v) }
                : { case: 'stringParam', value: String(v) },
      },
    ]),
  )
}

/** The typed contents of one tensor, from the field its datatype names; data in any other field is refused. */
function fromContents(datatype: string, contents: InferTensorContents | undefined, path: string): TensorElement[] {
  const field = FIELD[datatype]
  const misplaced = FIELDS.find((f) => f !== field && contents && contents[f].length > 0)
  if (misplaced) throw invalid(`${path}.contents`, `carries ${datatype} data in ${misplaced}; use ${field ?? 'a field of a protocol datatype'}`)
  if (!field || !contents) return []
  const values = contents[field]
  if (field === 'bytesContents') return (values as Uint8Array[]).map((b, i) => text(b, `${path}.contents`, i))
  return (values as (number | bigint | boolean)[]).map((v) => (typeof v === 'bigint' ? Number(v) : v))
}

/** A protobuf inference request as the OIP core's JSON request. */
export function fromInferRequest(request: ModelInferRequest): InferRequest {
  const raw = request.rawInputContents
  if (raw.length > 0) {
    if (raw.length !== request.inputs.length) throw invalid('raw_input_contents', `has ${raw.length} entries for ${request.inputs.length} inputs`)
    const typed = request.inputs.findIndex((t) => t.contents !== undefined && FIELDS.some((f) => t.contents![f].length > 0))
    if (typed >= 0) throw invalid(`inputs[${typed}].contents`, 'must be empty when raw_input_contents is used')
  }
  const inputs = request.inputs.map((tensor, i): RequestInput => {
    const path = `inputs[${i}]`
    const parameters = fromParameters(tensor.parameters, `${path}.parameters`)
    return {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape.map(Number),
      ...(parameters ? { parameters } : {}),
      data: raw.length > 0 ? decodeRaw(tensor.datatype, raw[i]!, `raw_input_contents[${i}]`) : fromContents(tensor.datatype, tensor.contents, path),
    }
  })
  const parameters = fromParameters(request.parameters, 'parameters')
  return {
    ...(request.id ? { id: request.id } : {}),
    ...(parameters ? { parameters } : {}),
    inputs,
    ...(request.outputs.length > 0
      ? {
          outputs: request.outputs.map((o, i) => ({
            name: o.name,
            ...(Object.keys(o.parameters).length ? { parameters: fromParameters(o.parameters, `outputs[${i}].parameters`) } : {}),
          })),
        }
      : {}),
  }
}

function toContents(datatype: string, data: TensorElement[]): MessageInitShape<typeof InferTensorContentsSchema> {
  const field = FIELD[datatype]
  if (!field) throw new NexoraError('internal', { detail: `no contents field for output datatype ${datatype}` })
  if (field === 'bytesContents') return { bytesContents: data.map((v) => utf8.encode(String(v ?? ''))) }
  if (field === 'boolContents') return { boolContents: data.map(Boolean) }
  if (field === 'int64Contents' || field === 'uint64Contents') return { [field]: data.map((v) => BigInt(Number(v))) }
  return { [field]: data.map(Number) }
}

/**
 * The OIP core's JSON response as protobuf. `raw`: answer in raw_output_contents, as KServe does
 * when the request came raw (Triton's client reads only raw outputs for numeric tensors).
 */
export function toInferResponse(response: InferResponse, raw: boolean): MessageInitShape<typeof ModelInferResponseSchema> {
  return {
    modelName: response.model_name,
    modelVersion: response.model_version ?? '',
    id: response.id ?? '',
    parameters: toParameters(response.parameters),
    outputs: response.outputs.map((o) => ({
      name: o.name,
      datatype: o.datatype,
      shape: o.shape.map(BigInt),
      parameters: toParameters(o.parameters),
      ...(raw ? {} : { contents: toContents(o.datatype, o.data) }),
    })),
    rawOutputContents: raw ? response.outputs.map((o) => encodeRaw(o.datatype, o.data)) : [],
  }
}
