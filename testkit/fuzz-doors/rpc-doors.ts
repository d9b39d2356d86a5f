/** The gRPC doors of the Unicode fuzz: Connect JSON on both ports and binary gRPC (grpc-js) on h2c. */
import fc from 'fast-check'
import { findIllFormed } from '../../core/well-formed.ts'
import { fuzzString, headerJunk, mutated, optional, orFuzz, stringsIn, wtf8 } from '../unicode-fuzz.ts'
import { FEATURES, VALID_FEATURES, ISO, type Probe, compact } from './probe.ts'

// ---- gRPC: Connect JSON on both ports, binary gRPC (grpc-js) on h2c ----

const protoFeature = fc.oneof(
  fuzzString.map((s) => ({ stringValue: s })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ numberValue: n })),
  fc.boolean().map((b) => ({ boolValue: b })),
)
const rpcPredict = fc
  .record({
    model: orFuzz('readmission-risk'),
    alias: optional(orFuzz('production')),
    purpose: optional(orFuzz('TREAT')),
    explain: optional(fc.boolean()),
    rows: fc.array(
      fc
        .record({
          patientId: optional(orFuzz('Patient/pt-0001')),
          features: fc.tuple(fc.boolean(), fc.dictionary(orFuzz(...FEATURES), protoFeature, { maxKeys: 3 })).map(([base, d]) => ({
            ...(base
              ? Object.fromEntries(
                  Object.entries(VALID_FEATURES).map(([k, v]) => [
                    k,
                    typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : { numberValue: v },
                  ]),
                )
              : {}),
            ...d,
          })),
          sequence: optional(fc.array(fc.record({ code: orFuzz('ICD10:I50'), time: orFuzz(ISO) }), { maxLength: 2 })),
        })
        .map(compact),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(compact)
const VALID_RPC_PREDICT = {
  model: 'readmission-risk',
  purpose: 'TREAT',
  rows: [
    {
      patientId: 'Patient/pt-0001',
      features: {
        age: { numberValue: 71 },
        sex: { stringValue: 'F' },
        systolic_bp: { numberValue: 150 },
        hba1c: { numberValue: 8.1 },
        egfr: { numberValue: 48 },
        prior_admissions: { numberValue: 2 },
        length_of_stay: { numberValue: 6 },
        on_anticoagulant: { boolValue: true },
      },
    },
  ],
}
const rpcPredicts = fc.oneof(
  rpcPredict,
  mutated(VALID_RPC_PREDICT, [['model'], ['purpose'], ['rows', 0, 'patientId'], ['rows', 0, 'features', 'sex', 'stringValue']]),
)
const rpcInfer = fc
  .record({
    modelName: orFuzz('readmission-risk'),
    modelVersion: optional(orFuzz('1.0.0')),
    id: optional(fuzzString),
    parameters: optional(fc.record({ patient_ref: orFuzz('Patient/pt-0001').map((s) => ({ stringParam: s })) })),
    inputs: fc.array(
      fc.record({
        name: orFuzz(...FEATURES),
        datatype: fc.constant('BYTES'),
        shape: fc.constant(['1']),
        contents: fuzzString.map((s) => ({ bytesContents: [Buffer.from(wtf8(s)).toString('base64')] })),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(compact)
const rpcMetadata = fc.record({ name: orFuzz('readmission-risk'), version: optional(orFuzz('1.0.0')) }).map(compact)
const rpcCalls = fc.oneof(
  rpcPredicts.map((body) => ({ path: '/nexora.v1.PredictionService/Predict', body })),
  rpcInfer.map((body) => ({ path: '/inference.GRPCInferenceService/ModelInfer', body })),
  rpcMetadata.map((body) => ({ path: '/inference.GRPCInferenceService/ModelMetadata', body })),
  rpcMetadata.map((body) => ({ path: '/inference.GRPCInferenceService/ModelReady', body })),
)
/** Printable ASCII junk: all a grpc-js metadata value may hold, and a request id worth keeping. */
export const asciiJunk = headerJunk.map((h) => h.replace(/[^\x21-\x7e]/g, 'x'))
export const connectJson = (h2cPort: boolean) =>
  fc.tuple(rpcCalls, fc.option(asciiJunk, { nil: undefined })).map(
    ([call, requestId]): Probe => ({
      method: 'POST',
      path: call.path,
      body: call.body,
      h2c: h2cPort,
      auth: 'api',
      format: 'connect',
      headers: { 'connect-protocol-version': '1', ...(requestId ? { 'x-request-id': requestId } : {}) },
      strings: stringsIn(call.body),
      refuse: findIllFormed(call.body) !== undefined,
    }),
  )

/**
 * The strings of a request as grpc-js puts them on the wire: protobufjs writes a string under 40
 * UTF-16 units itself, a lone surrogate as invalid UTF-8 (ED A0 80 for U+D800), which the
 * server's decoder refuses; a longer one goes through Node's Buffer, which writes U+FFFD instead.
 */
export const asGrpcJsSends = (v: unknown): unknown =>
  typeof v === 'string'
    ? v.length < 40
      ? v
      : v.toWellFormed()
    : Array.isArray(v)
      ? v.map(asGrpcJsSends)
      : v && typeof v === 'object' && !(v instanceof Uint8Array)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [asGrpcJsSends(k) as string, asGrpcJsSends(x)]))
        : v
/**
 * The Connect JSON requests as grpc-js takes them (proto-loader keepCase: snake_case fields, a oneof as its set member,
 * bytes as Buffers), ill-formed strings and all.
 */
export const grpcJsCall = fc
  .oneof(
    rpcPredicts.map(
      (r: any) =>
        [
          'Predict',
          {
            ...r,
            rows: r.rows.map((row: any) => ({
              patient_id: row.patientId,
              sequence: row.sequence,
              features: Object.fromEntries(
                Object.entries(row.features).map(([k, v]: [string, any]) => [
                  k,
                  { string_value: v.stringValue, number_value: v.numberValue, bool_value: v.boolValue },
                ]),
              ),
            })),
          },
        ] as const,
    ),
    rpcInfer.map(
      (r: any) =>
        [
          'ModelInfer',
          {
            model_name: r.modelName,
            model_version: r.modelVersion,
            id: r.id,
            parameters: r.parameters && { patient_ref: { string_param: r.parameters.patient_ref.stringParam } },
            inputs: r.inputs.map((i: any) => ({
              name: i.name,
              datatype: i.datatype,
              shape: [1],
              contents: { bytes_contents: i.contents.bytesContents.map((b: string) => Buffer.from(b, 'base64')) },
            })),
          },
        ] as const,
    ),
    rpcMetadata.map((r) => ['ModelMetadata', r] as const),
    rpcMetadata.map((r) => ['ModelReady', r] as const),
  )
  .map(([method, request]) => [method, request as Record<string, unknown>] as const)
/** gRPC statuses a client mistake may get: OK, INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, UNAUTHENTICATED. */
export const GRPC_CLIENT_ERRORS = [0, 3, 5, 7, 8, 9, 16]
