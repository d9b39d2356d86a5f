/**
 * The OIP v2 gRPC client (`inference.GRPCInferenceService/ModelInfer`) over a Connect transport:
 * the JSON-shaped request of tensors.ts to protobuf typed contents, and the response back, from
 * typed contents or `raw_output_contents` (Triton answers raw). Imported on the first gRPC load only.
 */
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect'
import { NexoraError } from '../../core/index.ts'
import { GRPCInferenceService } from '../grpc/index.ts'
import { bearerOf, type RemoteEndpoint } from './allowlist.ts'
import './errors.ts'
import type { InferClient } from './rest.ts'
import { isTimeout } from './retry.ts'
import type { RemoteSection } from './section.ts'
import type { Element, InferRequest, OutputTensor } from './tensors.ts'

const utf8 = new TextEncoder()
const text = new TextDecoder('utf-8', { fatal: true })
const bad = (detail: string) => new NexoraError('remote.bad_response', { detail })

// The server answered, and said no: a working server, a request it will not take.
const REFUSED = new Set([Code.InvalidArgument, Code.NotFound, Code.Unauthenticated, Code.PermissionDenied, Code.FailedPrecondition, Code.OutOfRange])

function toNexoraError(error: unknown, signal: AbortSignal): NexoraError {
  if (signal.aborted || isTimeout(error)) return new NexoraError('remote.timeout', { detail: 'no answer within timeoutMs', cause: error })
  const connect = ConnectError.from(error)
  const what = `gRPC ${Code[connect.code]}`
  if (connect.code === Code.DeadlineExceeded) return new NexoraError('remote.timeout', { detail: `${what}: no answer within timeoutMs` })
  if (connect.code === Code.Unavailable) return new NexoraError('remote.unavailable', { detail: what })
  if (REFUSED.has(connect.code)) return new NexoraError('remote.refused', { detail: what })
  return new NexoraError('remote.bad_response', { detail: what })
}

/** One tensor's typed contents, by its datatype (the proto says which field carries which). */
function contentsOf(datatype: string, data: Element[]) {
  if (datatype === 'FP64') return { fp64Contents: data.map(Number) }
  if (datatype === 'BOOL') return { boolContents: data.map(Boolean) }
  return { bytesContents: data.map((v) => utf8.encode(String(v))) }
}

/** The elements of one raw output (little-endian, BYTES as 4-byte length + bytes), for the datatypes a score or explanation has. */
function decodeRaw(datatype: string, bytes: Uint8Array): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fixed = (size: number, read: (offset: number) => unknown) => {
    if (bytes.byteLength % size !== 0) throw bad(`a raw ${datatype} output of ${bytes.byteLength} bytes`)
    return Array.from({ length: bytes.byteLength / size }, (_, i) => read(i * size))
  }
  if (datatype === 'FP64') return fixed(8, (o) => view.getFloat64(o, true))
  if (datatype === 'FP32') return fixed(4, (o) => view.getFloat32(o, true))
  if (datatype === 'INT32') return fixed(4, (o) => view.getInt32(o, true))
  if (datatype === 'INT64') return fixed(8, (o) => Number(view.getBigInt64(o, true)))
  if (datatype === 'BOOL') return fixed(1, (o) => view.getUint8(o) !== 0)
  if (datatype !== 'BYTES') throw bad(`a raw output of datatype ${datatype}`)
  const out: string[] = []
  for (let o = 0; o < bytes.byteLength; ) {
    if (o + 4 > bytes.byteLength) throw bad('a raw BYTES output cut short')
    const n = view.getUint32(o, true)
    if (o + 4 + n > bytes.byteLength) throw bad('a raw BYTES output cut short')
    out.push(text.decode(bytes.subarray(o + 4, o + 4 + n)))
    o += 4 + n
  }
  return out
}

type Contents = {
  fp64Contents: number[]
  fp32Contents: number[]
  intContents: number[]
  int64Contents: bigint[]
  uintContents: number[]
  uint64Contents: bigint[]
  boolContents: boolean[]
  bytesContents: Uint8Array[]
}

function fromContents(datatype: string, c: Contents | undefined): unknown[] {
  if (!c) return []
  if (datatype === 'BYTES') return c.bytesContents.map((b) => text.decode(b))
  if (datatype === 'BOOL') return c.boolContents
  if (datatype === 'INT64') return c.int64Contents.map(Number)
  if (datatype === 'UINT64') return c.uint64Contents.map(Number)
  if (datatype.startsWith('INT')) return c.intContents
  if (datatype.startsWith('UINT')) return c.uintContents
  return datatype === 'FP32' ? c.fp32Contents : c.fp64Contents
}

/** The gRPC client for one manifest, on a transport shared by every model of its endpoint (one HTTP/2 connection). */
export function grpcClient(section: RemoteSection, endpoint: RemoteEndpoint, transport: Transport): InferClient {
  const client = createClient(GRPCInferenceService, transport)
  return {
    async infer(request: InferRequest, signal: AbortSignal): Promise<OutputTensor[]> {
      const authorization = await bearerOf(endpoint)
      let response: Awaited<ReturnType<typeof client.modelInfer>>
      try {
        response = await client.modelInfer(
          {
            modelName: section.model,
            modelVersion: section.version ?? '',
            inputs: request.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape.map(BigInt), contents: contentsOf(t.datatype, t.data) })),
            outputs: request.outputs.map((o) => ({ name: o.name })),
            parameters: request.parameters?.explain ? { explain: { parameterChoice: { case: 'boolParam', value: true } } } : {},
          },
          // The deadline travels as grpc-timeout too, so the server can give up when we do.
          { signal, timeoutMs: section.timeoutMs, ...(authorization ? { headers: { authorization } } : {}) },
        )
      } catch (error) {
        throw toNexoraError(error, signal)
      }
      const raw = response.rawOutputContents
      if (raw.length > 0 && raw.length !== response.outputs.length) throw bad(`${raw.length} raw outputs for ${response.outputs.length} outputs`)
      try {
        return response.outputs.map((o, i) => ({
          name: o.name,
          datatype: o.datatype,
          shape: o.shape.map(Number),
          data: raw.length > 0 ? decodeRaw(o.datatype, raw[i]!) : fromContents(o.datatype, o.contents),
        }))
      } catch (error) {
        if (error instanceof NexoraError) throw error
        throw bad('an output is not valid UTF-8')
      }
    },
  }
}
