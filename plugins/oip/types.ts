/**
 * The Open Inference Protocol v2 payloads, as JSON-shaped TypeScript types. Both transports
 * speak these: REST carries them as they are, gRPC converts its messages to and from them
 * (`InferTensorContents` ↔ the flat `data` array), so the inference logic is written once.
 */

/** The datatypes of the protocol's tensor data types table. */
export const DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const
export type Datatype = (typeof DATATYPES)[number]

/** `$parameters`: key/value pairs whose values are strings, numbers or booleans. */
export type Parameters = Record<string, string | number | boolean>

/** One tensor element in JSON. `null` is a Nexora extension meaning "missing" (an optional feature). */
export type TensorElement = number | string | boolean | null

/** `$request_input`. `data` may be flat or nested (row-major); its element count must match `shape`. */
export interface RequestInput {
  name: string
  shape: number[]
  datatype: string
  parameters?: Parameters
  data: unknown[]
}

/** `$request_output`: which output to return. */
export interface RequestOutput {
  name: string
  parameters?: Parameters
}

/** `$inference_request`. */
export interface InferRequest {
  id?: string
  parameters?: Parameters
  inputs: RequestInput[]
  outputs?: RequestOutput[]
}

/** `$response_output`: always flat, row-major. */
export interface ResponseOutput {
  name: string
  shape: number[]
  datatype: Datatype
  parameters?: Parameters
  data: TensorElement[]
}

/** `$inference_response`. */
export interface InferResponse {
  model_name: string
  model_version?: string
  id?: string
  parameters?: Parameters
  outputs: ResponseOutput[]
}

/** `$metadata_tensor`: variable dimensions are -1. */
export interface TensorMetadata {
  name: string
  datatype: Datatype
  shape: number[]
}

/** `$metadata_server_response`. */
export interface ServerMetadata {
  name: string
  version: string
  extensions: string[]
}

/** `$metadata_model_response`. */
export interface ModelMetadata {
  name: string
  versions?: string[]
  platform: string
  inputs: TensorMetadata[]
  outputs: TensorMetadata[]
}

/** One entry of the model repository extension's index. */
export interface RepositoryEntry {
  name: string
  version?: string
  state: 'READY' | 'UNAVAILABLE'
  reason?: string
}

/** `{ count, ns }`: how many and how long in total (nanoseconds), Triton's statistic duration. */
export interface StatDuration {
  count: number
  ns: number
}

/** Triton's per-model statistics (`ModelStatistics`), for one model version. */
export interface ModelStatistics {
  name: string
  version: string
  /** When the last inference ended, in ms since the epoch; 0 before any. */
  last_inference: number
  /** Rows inferred (the batch size summed over successful requests). */
  inference_count: number
  /** Model executions (one per successful request: Nexora does not batch across requests). */
  execution_count: number
  inference_stats: {
    success: StatDuration
    fail: StatDuration
    queue: StatDuration
    compute_input: StatDuration
    compute_infer: StatDuration
    compute_output: StatDuration
  }
}
