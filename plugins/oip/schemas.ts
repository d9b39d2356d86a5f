import { z } from '@hono/zod-openapi'
import { DATATYPES } from './types.ts'

/** Zod schemas of the protocol's JSON objects: they validate REST bodies and document them in `/openapi.json`. */

const ParameterValue = z.union([z.string().max(4096), z.number(), z.boolean()])
export const ParametersSchema = z.record(z.string().min(1).max(128), ParameterValue).openapi('OipParameters', {
  description:
    'Key/value pairs. Nexora reads `patient_ref` (audited, never logged), `explain` (boolean) and `purpose` (HIPAA purpose of use); others are ignored.',
  example: { patient_ref: 'Patient/pt-0001', explain: true },
})

const Datatype = z.enum(DATATYPES).openapi({ description: 'FP16 is refused: JSON has no faithful half-precision value' })
const Shape = z.array(z.number().int().min(0)).min(1).max(8)

export const RequestInputSchema = z
  .object({
    name: z.string().min(1).max(128).openapi({ example: 'age' }),
    shape: Shape.openapi({ example: [2] }),
    datatype: Datatype,
    parameters: ParametersSchema.optional(),
    data: z.array(z.unknown()).openapi({ description: 'Flat or nested (row-major); its element count must equal the product of `shape`', example: [71, 54] }),
  })
  .openapi('OipRequestInput')

export const RequestOutputSchema = z
  .object({
    name: z.string().min(1).max(128).openapi({ example: 'score' }),
    parameters: ParametersSchema.optional(),
  })
  .openapi('OipRequestOutput')

export const InferRequestSchema = z
  .object({
    id: z.string().max(256).optional().openapi({ description: 'Echoed in the response', example: '42' }),
    parameters: ParametersSchema.optional(),
    inputs: z.array(RequestInputSchema).min(1).max(1024),
    outputs: z.array(RequestOutputSchema).max(16).optional(),
  })
  .openapi('OipInferRequest')

export const ResponseOutputSchema = z
  .object({
    name: z.string(),
    shape: z.array(z.number().int()),
    datatype: Datatype,
    parameters: ParametersSchema.optional(),
    data: z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])),
  })
  .openapi('OipResponseOutput')

export const InferResponseSchema = z
  .object({
    model_name: z.string(),
    model_version: z.string().optional(),
    id: z.string().optional(),
    parameters: ParametersSchema.optional(),
    outputs: z.array(ResponseOutputSchema),
  })
  .openapi('OipInferResponse')

const TensorMetadata = z.object({ name: z.string(), datatype: Datatype, shape: z.array(z.number().int()) })
export const ModelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()).optional(),
    platform: z.string(),
    inputs: z.array(TensorMetadata),
    outputs: z.array(TensorMetadata),
  })
  .openapi('OipModelMetadata')

export const ServerMetadataSchema = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) }).openapi('OipServerMetadata')

export const RepositoryEntrySchema = z
  .object({
    name: z.string(),
    version: z.string().optional(),
    state: z.enum(['READY', 'UNAVAILABLE']),
    reason: z.string().optional(),
  })
  .openapi('OipRepositoryEntry')

const Duration = z.object({ count: z.number().int(), ns: z.number().int() })
export const ModelStatisticsSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    last_inference: z.number().int(),
    inference_count: z.number().int(),
    execution_count: z.number().int(),
    inference_stats: z.object({
      success: Duration,
      fail: Duration,
      queue: Duration,
      compute_input: Duration,
      compute_infer: Duration,
      compute_output: Duration,
    }),
  })
  .openapi('OipModelStatistics')

export const ErrorSchema = z
  .object({
    error: z
      .string()
      .openapi({ example: '[request.invalid] The request does not match its schema: inputs[1].data: input "input1": shape [3] needs 3 elements, data has 1' }),
  })
  .openapi('OipError')

/** The `{error}` response entry for each status a route can answer with. */
export function oipErrors(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503)[]) {
  const why: Record<number, string> = {
    400: 'Bad request',
    401: 'No valid token',
    403: 'Missing scope',
    404: 'No such model or version',
    409: 'The model is unloaded or archived',
    413: 'Body too large',
    422: 'Features do not fit the model',
    429: 'Rate limited',
    503: 'Not available',
  }
  return Object.fromEntries(statuses.map((s) => [s, { content: { 'application/json': { schema: ErrorSchema } }, description: why[s]! }]))
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/
export const NameParams = z.object({
  name: z
    .string()
    .regex(NAME, 'a model name')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'readmission-risk' }),
})
export const VersionParams = NameParams.extend({
  version: z
    .string()
    .regex(VERSION, 'a version or alias')
    .openapi({ param: { name: 'version', in: 'path' }, description: 'A semver version, or an alias: production, staging, latest', example: '1.0.0' }),
})
