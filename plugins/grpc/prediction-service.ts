import { create, type MessageInitShape } from '@bufbuild/protobuf'
import {
  fieldIssues,
  NexoraError,
  type Caller,
  type FeatureValue as Value,
  type FrontDoorContext,
  type PredictionResult,
  type PredictionRequest,
} from '../../core/index.ts'
// The REST body schema: one set of limits (lengths, alias names, row shape) for both front doors.
import { PredictRequestSchema as RestPredictRequest } from '../../core/index.ts'
import { FeatureValueSchema, type FeatureValue, type PredictRequest, type PredictResponseSchema } from './gen/nexora/v1/prediction_pb.ts'

function fromValue(value: FeatureValue): Value {
  return value.kind.case === undefined ? null : value.kind.value
}

function toValue(value: Value): FeatureValue {
  if (value === null) return create(FeatureValueSchema)
  const kind =
    typeof value === 'number'
      ? { case: 'numberValue' as const, value }
      : typeof value === 'string'
        ? { case: 'stringValue' as const, value }
        : { case: 'boolValue' as const, value }
  return create(FeatureValueSchema, { kind })
}

/**
 * A protobuf PredictRequest as the body `POST /predict` would have received, checked by the
 * same zod schema. Proto3 has no "absent" for strings, so an empty one means not given.
 */
export function toPredictionRequest(request: PredictRequest): PredictionRequest {
  const body = {
    model: request.model,
    ...(request.selector.case ? { [request.selector.case]: request.selector.value } : {}),
    explain: request.explain,
    ...(request.purpose ? { purpose: request.purpose } : {}),
    rows: request.rows.map((row) => ({
      ...(row.patientId ? { patientId: row.patientId } : {}),
      features: Object.fromEntries(Object.entries(row.features).map(([name, value]) => [name, fromValue(value)])),
      ...(row.sequence.length
        ? { sequence: row.sequence.map((e) => ({ code: e.code, time: e.time, ...(e.value !== undefined ? { value: e.value } : {}) })) }
        : {}),
    })),
  }
  const parsed = RestPredictRequest.safeParse(body)
  if (!parsed.success) {
    // zod messages describe the expectation, not the received value: PHI-safe, as on REST.
    // A path may hold a feature name the client chose: only name-like segments are shown.
    const segment = (p: PropertyKey) => (/^[A-Za-z0-9_-]{1,64}$/.test(String(p)) ? String(p) : '<key>')
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.map(segment).join('.') || '(root)'))].slice(0, 10)
    throw new NexoraError('request.invalid', { detail: `invalid field(s) ${paths.join(' ')}`, issues: fieldIssues(parsed.error.issues) })
  }
  const { rows, ...rest } = parsed.data
  // gRPC's features are always a map (the proto has no "store"), so the REST schema's other arm never parses here.
  const features = (f: (typeof rows)[number]['features']) => (typeof f === 'string' ? {} : f)
  return { ...rest, rows: rows.map((r) => ({ patientRef: r.patientId, features: features(r.features), ...(r.sequence ? { sequence: r.sequence } : {}) })) }
}

export function toPredictResponse(result: PredictionResult): MessageInitShape<typeof PredictResponseSchema> {
  return {
    model: { name: result.model.name, version: result.model.version },
    predictions: result.predictions.map((p) => ({
      score: p.score,
      ...(p.label !== undefined ? { label: p.label } : {}),
      explanation: (p.explanation ?? []).map((c) => ({
        feature: c.feature,
        contribution: c.contribution,
        ...(c.value !== undefined ? { value: toValue(c.value) } : {}),
      })),
    })),
    requestId: result.requestId,
    auditIds: result.auditIds.map(BigInt),
  }
}

/**
 * nexora.v1.PredictionService/Predict: the REST `/predict` contract through the one pipeline
 * (the pipeline checks the predict scope again and writes the request and response events).
 */
export async function predict(door: FrontDoorContext, request: PredictRequest, call: { caller: Caller; requestId: string }) {
  const result = await door.predict(toPredictionRequest(request), call.caller, call.requestId, { route: 'predict' })
  return toPredictResponse(result)
}
