/**
 * The shared core of the Open Inference Protocol v2 front doors: REST (`plugins/oip`) and gRPC
 * (`plugins/grpc`'s GRPCInferenceService) both call these transport-free functions, so health,
 * metadata, inference, the repository and statistics behave the same on both.
 *
 * - Payloads are the JSON-shaped types of the REST spec (`./types.ts`); gRPC converts its
 *   messages to and from them.
 * - Failures are thrown as `NexoraError`s with stable codes (`request.invalid`,
 *   `model.not_found`, `model.unloaded`, `auth.forbidden`…); each transport maps them to its own
 *   format (REST: `{"error": "..."}` with the code's HTTP status; gRPC: a status code).
 * - Inference goes through `ctx.predict`, the one pipeline, so audit, compliance stages, metrics
 *   and monitors apply. The transport sets `caller.via` (`'oip'` for REST, `'grpc'` for gRPC).
 * - `state` holds the statistics and the unloaded models; share one between the two doors.
 *
 * These signatures are stable: the gRPC door depends on them.
 */
import { NexoraError, PREDICT_ACCESS, requireAny, type Caller, type FrontDoorContext, type ModelManifest, type ModelRegistry } from '../../core/index.ts'
import './errors.ts'
import { checkRequestedOutputs, outputMetadata, toOutputs, wantsExplanation } from './outputs.ts'
import type { OipState, PhaseTimes } from './state.ts'
import { resolveModel } from './resolve.ts'
import { decodeTensor } from './tensors.ts'
import { SEQUENCE_INPUT, tensorsToRows } from './tensors-to-rows.ts'
import type { InferRequest, InferResponse, ModelMetadata, ServerMetadata, TensorMetadata } from './types.ts'

export * from './types.ts'
export { createOipState, type OipState, type OipStateOptions } from './state.ts'
export { SEQUENCE_INPUT } from './tensors-to-rows.ts'
export { resolveModel } from './resolve.ts'
export { loadModel, repositoryIndex, unloadModel } from './repository.ts'
export { modelStatistics } from './statistics.ts'

/** The protocol extensions this server implements (Triton's names). */
export const EXTENSIONS = ['model_repository', 'statistics'] as const

/**
 * `GET /v2`: the server's name, version and extensions.
 * @example serverMetadata() // { name: 'nexora', version: '0.1.0', extensions: ['model_repository', 'statistics'] }
 */
export function serverMetadata(options: { name?: string; version?: string } = {}): ServerMetadata {
  return { name: options.name ?? 'nexora', version: options.version ?? '0.1.0', extensions: [...EXTENSIONS] }
}

/** `GET /v2/health/ready`: the model store answers. Models load lazily, so their readiness is per model. */
export async function serverReady(registry: ModelRegistry): Promise<boolean> {
  try {
    await registry.list()
    return true
  } catch {
    return false
  }
}

/** The input tensors a model takes, one per feature in manifest order (plus `sequence` for sequence models). */
export function inputMetadata(manifest: ModelManifest, state?: OipState): TensorMetadata[] {
  const datatype = { number: 'FP64', boolean: 'BOOL', category: 'BYTES' } as const
  const features = manifest.inputs.map((i): TensorMetadata => ({ name: i.name, datatype: datatype[i.type], shape: [-1] }))
  return takesSequence(manifest, state) ? [...features, { name: SEQUENCE_INPUT, datatype: 'BYTES', shape: [-1] }] : features
}

const takesSequence = (manifest: ModelManifest, state?: OipState) => (state?.sequenceKinds ?? ['transformer']).includes(manifest.kind)

/**
 * `GET /v2/models/{name}[/versions/{version}]`: platform `nexora_<kind>`, the versions a caller
 * may name (archived ones excluded), and the tensors of the resolved version.
 * @example await modelMetadata(registry, 'readmission-risk') // { name, versions: ['1.0.0'], platform: 'nexora_linear', inputs, outputs }
 */
export async function modelMetadata(registry: ModelRegistry, name: string, version?: string, state?: OipState): Promise<ModelMetadata> {
  const stored = await resolveModel(registry, name, version)
  const summary = await registry.get(stored.name)
  return {
    name: stored.name,
    versions: summary.versions.filter((v) => v.stage !== 'archived').map((v) => v.version),
    platform: `nexora_${stored.manifest.kind}`,
    inputs: inputMetadata(stored.manifest, state),
    outputs: outputMetadata(stored.manifest),
  }
}

/**
 * `GET …/ready`: the version resolves, is not archived nor unloaded, and loads (into the
 * registry's cache, so the first inference does not pay for it). Unknown models throw.
 */
export async function modelReady(registry: ModelRegistry, name: string, version?: string, state?: OipState): Promise<boolean> {
  const stored = await resolveModel(registry, name, version)
  if (stored.stage === 'archived' || state?.isUnloaded(stored.name)) return false
  try {
    await registry.load(stored)
    return true
  } catch (error) {
    if (error instanceof NexoraError && error.status < 500) throw error
    return false
  }
}

const PARAMETERS = { patient_ref: 'string', explain: 'boolean', purpose: 'string' } as const

/** The clinical extras in `parameters`, type-checked; other parameters are ignored, as the spec allows. */
function clinicalParameters(parameters: InferRequest['parameters']): { patientRef?: string; explain?: boolean; purpose?: string } {
  for (const [key, type] of Object.entries(PARAMETERS)) {
    const value = parameters?.[key]
    if (value !== undefined && typeof value !== type)
      throw new NexoraError('request.invalid', {
        detail: `parameters.${key} must be a ${type}`,
        issues: [{ path: `parameters.${key}`, message: `expected a ${type}` }],
      })
  }
  const patientRef = parameters?.patient_ref as string | undefined
  const purpose = parameters?.purpose as string | undefined
  // The patient reference is never echoed: only its length is checked.
  if (patientRef !== undefined && (patientRef.length === 0 || patientRef.length > 256))
    throw new NexoraError('request.invalid', { detail: 'parameters.patient_ref must be 1–256 characters' })
  if (purpose !== undefined && (purpose.length === 0 || purpose.length > 64))
    throw new NexoraError('request.invalid', { detail: 'parameters.purpose must be 1–64 characters' })
  return { patientRef, explain: parameters?.explain as boolean | undefined, purpose }
}

const toNs = (ms: number) => ms * 1e6

/**
 * `POST …/infer`: tensors → rows → the prediction pipeline → output tensors. Timed into
 * `state`'s statistics (success or failure) once the model version is known.
 * @example
 * const res = await infer(ctx, { ...caller, via: 'oip' }, requestId, 'readmission-risk', undefined, {
 *   id: '42', parameters: { patient_ref: 'Patient/123' },
 *   inputs: [{ name: 'age', datatype: 'FP64', shape: [1], data: [71] }, ...],
 * })
 * res.outputs // [{ name: 'score', datatype: 'FP64', shape: [1], data: [0.31] }, { name: 'label', ... }]
 */
export async function infer(
  ctx: FrontDoorContext,
  caller: Caller,
  requestId: string,
  name: string,
  version: string | undefined,
  request: InferRequest,
  state?: OipState,
): Promise<InferResponse> {
  // The pipeline checks this too; checking first keeps an unauthorised caller from learning which models exist.
  requireAny(caller, PREDICT_ACCESS)
  const stored = await resolveModel(ctx.registry, name, version)
  if (state?.isUnloaded(stored.name))
    throw new NexoraError('model.unloaded', { detail: `model "${stored.name}" is unloaded; load it through the repository extension` })
  const now = state?.now ?? (() => performance.now())
  const started = now()
  try {
    const params = clinicalParameters(request.parameters)
    if (!Array.isArray(request.inputs)) throw new NexoraError('request.invalid', { detail: 'inputs must be an array of tensors' })
    const tensors = request.inputs.map((input, i) => decodeTensor(input, i))
    checkRequestedOutputs(request.outputs, stored.manifest)
    const rows = tensorsToRows(tensors, stored.manifest.inputs, takesSequence(stored.manifest, state), params.patientRef)
    const explain = wantsExplanation(params.explain, request.outputs)
    const decoded = now()
    const result = await ctx.predict(
      { model: stored.name, version: stored.version, rows, explain, ...(params.purpose ? { purpose: params.purpose } : {}) },
      caller,
      requestId,
      { route: 'oip' },
    )
    const predicted = now()
    const outputs = toOutputs(result.predictions, request.outputs, stored.manifest, explain)
    const ended = now()
    const times: PhaseTimes = {
      queue: 0,
      compute_input: toNs(decoded - started),
      compute_infer: toNs(predicted - decoded),
      compute_output: toNs(ended - predicted),
    }
    state?.record(stored.name, stored.version, { ok: true, rows: rows.length, times, totalNs: toNs(ended - started) }, ctx.clock.now())
    return { model_name: result.model.name, model_version: result.model.version, ...(request.id !== undefined ? { id: request.id } : {}), outputs }
  } catch (error) {
    state?.record(stored.name, stored.version, { ok: false, totalNs: toNs(now() - started) }, ctx.clock.now())
    throw error
  }
}
