/**
 * A real @grpc/grpc-js client against the Node adapter's h2c listener: both services answer,
 * each error arrives with its gRPC status and a readable message, and every call is in the
 * audit trail.
 */
import http2 from 'node:http2'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveNode, type RunningNodeServer } from '../../adapters/node.ts'
import { importModels } from '../../bin/demo-models.ts'
import type { AuditEvent } from '../../core/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { encodeRaw } from '../../plugins/grpc/raw.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'
import { bearer, grpcJsClients } from '../../testkit/grpc-js-client.ts'

const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
/** The same row as nexora.v1 FeatureValues (grpc-js with `oneofs: true` takes the set field). */
const typed = Object.fromEntries(
  Object.entries(features).map(([k, v]) => [k, typeof v === 'number' ? { number_value: v } : typeof v === 'string' ? { string_value: v } : { bool_value: v }]),
)
/** And as OIP input tensors, one per feature, in typed contents. */
const tensors = Object.entries(features).map(([name, v]) =>
  typeof v === 'number'
    ? { name, datatype: 'FP64', shape: [1], contents: { fp64_contents: [v] } }
    : typeof v === 'boolean'
      ? { name, datatype: 'BOOL', shape: [1], contents: { bool_contents: [v] } }
      : { name, datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from(v)] } },
)

const dir = mkdtempSync(join(tmpdir(), 'nexora-grpc-'))
let server: RunningNodeServer
let client: ReturnType<typeof grpcJsClients>
let key: TestKey
let token: string
let restScore: number

/** The events of the calls a client tagged with its own id (kept as the correlation id; the request id is the server's). */
const events = async (correlationId: string): Promise<AuditEvent[]> => {
  const { events } = await server.nexora.ports.get('auditSink').query({}, { limit: 1000 })
  return events.filter((e) => e.context.correlationId === correlationId)
}

beforeAll(async () => {
  key = await makeKey('ES384', 'grpc-key')
  server = await serveNode({
    port: 0,
    grpc: { port: 0 },
    db: `file:${join(dir, 'nexora.db')}`,
    handleSignals: false,
    plugins: [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })],
    prepare: async (n) => {
      await importModels(n)
    },
  })
  client = grpcJsClients(server.grpcUrl!)
  token = await sign(key, { scope: 'nexora/predict' })
  const rest = await fetch(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ model: 'readmission-risk', rows: [{ features }] }),
  })
  restScore = (await rest.json()).predictions[0].score
})
afterAll(async () => {
  client?.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('GRPCInferenceService over h2c (grpc-js)', () => {
  it('answers ServerLive, ServerReady and ServerMetadata without credentials, and audits each call', async () => {
    const live = await client.infer('ServerLive', {}, { 'x-request-id': 'live-1' })
    const ready = await client.infer('ServerReady', {})
    const meta = await client.infer('ServerMetadata', {})
    expect([live.response, ready.response]).toEqual([{ live: true }, { ready: true }])
    expect(meta.response).toEqual({ name: 'nexora', version: '0.1.0', extensions: ['model_repository', 'statistics'] })
    expect(await events('live-1')).toEqual([
      expect.objectContaining({
        actor: 'anonymous',
        action: 'access',
        outcome: 'success',
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        context: { route: '/inference.GRPCInferenceService/ServerLive', via: 'grpc', protocol: 'grpc', correlationId: 'live-1' },
      }),
    ])
  })

  it("describes a model's tensors in ModelMetadata, audited as an access by the caller", async () => {
    const { response } = await client.infer('ModelMetadata', { name: 'readmission-risk' }, { ...bearer(token), 'x-request-id': 'meta-1' })
    expect(response).toMatchObject({ name: 'readmission-risk', versions: ['1.0.0'], platform: 'nexora_linear' })
    expect(response!.inputs[0]).toEqual({ name: 'age', datatype: 'FP64', shape: [-1] })
    expect(response!.outputs.map((o: { name: string }) => o.name)).toEqual(['score', 'label', 'explanation'])
    expect((await events('meta-1')).map((e) => [e.actor, e.action, e.outcome])).toEqual([['clinician-1', 'access', 'success']])
    expect((await client.infer('ModelReady', { name: 'readmission-risk' }, bearer(token))).response).toEqual({ ready: true })
  })

  it('scores typed-contents tensors through the one pipeline: the REST score, and predict events via grpc', async () => {
    const { response, error } = await client.infer(
      'ModelInfer',
      { model_name: 'readmission-risk', id: 'client-7', inputs: tensors, parameters: { patient_ref: { string_param: 'Patient/77' } } },
      { ...bearer(token), 'x-request-id': 'infer-1' },
    )
    expect(error).toBeUndefined()
    expect([response!.model_name, response!.model_version, response!.id]).toEqual(['readmission-risk', '1.0.0', 'client-7'])
    expect(response!.outputs.map((o: { name: string }) => o.name)).toEqual(['score', 'label'])
    expect(response!.outputs[0].contents.fp64_contents[0]).toBeCloseTo(restScore, 12)
    expect(Buffer.from(response!.outputs[1].contents.bytes_contents[0]).toString()).toBe(restScore >= 0.5 ? 'high' : 'low')
    const trail = await events('infer-1')
    expect(trail.map((e) => [e.action, e.outcome, e.patientRef, e.context.via])).toEqual([
      ['predict.request', 'success', 'Patient/77', 'grpc'],
      ['predict.response', 'success', 'Patient/77', 'grpc'],
    ])
  })

  it('takes raw_input_contents as Triton clients send them, and answers raw', async () => {
    const raw = tensors.map((t) => encodeRaw(t.datatype, t.contents.fp64_contents ?? t.contents.bool_contents ?? t.contents.bytes_contents!.map(String)))
    const { response } = await client.infer(
      'ModelInfer',
      { model_name: 'readmission-risk', inputs: tensors.map(({ contents: _, ...t }) => t), raw_input_contents: raw.map((b) => Buffer.from(b)) },
      bearer(token),
    )
    expect(response!.outputs[0].contents).toBeNull()
    expect(Buffer.from(response!.raw_output_contents[0]).readDoubleLE(0)).toBeCloseTo(restScore, 12)
  })
})

describe('PredictionService over h2c (grpc-js)', () => {
  it('mirrors /predict: score, label, explanation, request id, and the audit ids of its committed events', async () => {
    const { response } = await client.predict(
      { model: 'readmission-risk', rows: [{ patient_id: 'Patient/42', features: typed }], explain: true, purpose: 'TREAT' },
      { ...bearer(token), 'x-request-id': 'predict-1' },
    )
    const [prediction] = response!.predictions
    expect(prediction.score).toBeCloseTo(restScore, 12)
    expect(prediction.label).toBe(restScore >= 0.5 ? 'high' : 'low')
    expect(prediction.explanation).toHaveLength(8)
    expect(prediction.explanation[0]).toMatchObject({ feature: expect.any(String), contribution: expect.any(Number), value: { kind: expect.any(String) } })
    expect(response!.model).toEqual({ name: 'readmission-risk', version: '1.0.0' })
    expect(response!.request_id).toMatch(/^[0-9a-f-]{36}$/)
    const trail = await events('predict-1')
    expect(trail.every((e) => e.requestId === response!.request_id)).toBe(true)
    expect(response!.audit_ids).toEqual(trail.map((e) => e.seq))
    expect(trail.map((e) => [e.action, e.actor, e.patientRef, e.context.via, e.context.purpose])).toEqual([
      ['predict.request', 'clinician-1', 'Patient/42', 'grpc', 'TREAT'],
      ['predict.response', 'clinician-1', 'Patient/42', 'grpc', 'TREAT'],
    ])
  })
})

describe('errors as gRPC status codes', () => {
  it('INVALID_ARGUMENT for missing features and bad tensors, naming fields and never the patient', async () => {
    const missing = await client.predict(
      { model: 'readmission-risk', rows: [{ patient_id: 'Patient/secret-981', features: { age: { number_value: 71 } } }] },
      bearer(token),
    )
    expect(missing.error).toMatchObject({
      code: 3,
      details: expect.stringMatching(/^features\.missing - features sex systolic_bp/),
      metadata: { 'nexora-error-code': 'features.missing' },
    })
    expect(missing.error!.details).not.toMatch(/secret-981|%/)
    const shape = await client.infer(
      'ModelInfer',
      { model_name: 'readmission-risk', inputs: [{ ...tensors[0], shape: [2] }, ...tensors.slice(1)] },
      bearer(token),
    )
    expect(shape.error).toMatchObject({ code: 3, metadata: { 'nexora-error-code': 'request.invalid' } })
    const badAlias = await client.predict({ model: 'readmission-risk', alias: 'prod', rows: [{ features: typed }] }, bearer(token))
    expect(badAlias.error).toMatchObject({ code: 3, details: 'request.invalid - invalid field(s) alias' })
  })

  it('UNAUTHENTICATED without a valid bearer token, recorded as a denied attempt', async () => {
    const none = await client.predict({ model: 'readmission-risk', rows: [{ features: typed }] }, { 'x-request-id': 'noauth-1' })
    const forged = await client.infer('ModelInfer', { model_name: 'readmission-risk', inputs: tensors }, { authorization: 'Bearer not.a.jwt' })
    expect([none.error?.code, forged.error?.code]).toEqual([16, 16])
    expect(none.error!.details).toBe('auth.unauthenticated - token.missing')
    expect((await events('noauth-1')).map((e) => [e.actor, e.action, e.outcome, e.reason])).toEqual([
      ['unauthenticated', 'auth.invalid_token', 'denied', 'token.missing'],
    ])
  })

  it('PERMISSION_DENIED without the predict scope, before any model is looked up', async () => {
    const reader = await sign(key, { scope: 'nexora/models.read', sub: 'analyst-1' })
    const denied = await client.predict({ model: 'readmission-risk', rows: [{ features: typed }] }, { ...bearer(reader), 'x-request-id': 'denied-1' })
    expect(denied.error).toMatchObject({ code: 7, details: 'auth.forbidden - requires scope "nexora predict"' })
    expect((await events('denied-1')).map((e) => [e.actor, e.action, e.reason])).toEqual([['analyst-1', 'auth.denied', 'scope']])
    // A read scope is enough for metadata.
    expect((await client.infer('ModelMetadata', { name: 'readmission-risk' }, bearer(reader))).error).toBeUndefined()
  })

  it('NOT_FOUND for an unknown model or version, on both services', async () => {
    const predict = await client.predict({ model: 'no-such-model', rows: [{ features: typed }] }, bearer(token))
    const meta = await client.infer('ModelMetadata', { name: 'no-such-model' }, bearer(token))
    const version = await client.infer('ModelInfer', { model_name: 'readmission-risk', model_version: '9.9.9', inputs: tensors }, bearer(token))
    expect([predict.error?.code, meta.error?.code, version.error?.code]).toEqual([5, 5, 5])
    expect(version.error!.metadata['nexora-error-code']).toBe('model.version_not_found')
  })
})

describe('one h2c port for RPCs and the app', () => {
  it('hands non-RPC paths to the Hono app (HTTP/2 prior knowledge)', async () => {
    const session = http2.connect(server.grpcUrl!)
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/health' })
        let status = 0
        let body = ''
        stream.on('response', (h) => {
          status = Number(h[':status'])
        })
        stream.on('data', (chunk) => {
          body += chunk
        })
        stream.on('end', () => resolve({ status, body }))
        stream.on('error', reject)
      })
      expect(status).toBe(200)
      expect(JSON.parse(body).status).toBe('ok')
    } finally {
      session.close()
    }
  })
})
