/**
 * The edge path: the same services through `nexora.fetch` (what the Deno, Bun and Workers
 * adapters call), spoken by connect-web's Connect and gRPC-Web transports, in process.
 */
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect'
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Nexora } from '../../core/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { grpc, GRPCInferenceService, PredictionService } from '../../plugins/grpc/index.ts'
import { createOipState, oip } from '../../plugins/oip/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../../testkit/tokens.ts'

let nexora: Nexora
let audit: Awaited<ReturnType<typeof toyNexora>>['audit']
let token: string
let restScore: number

const inProcess = (async (input: RequestInfo | URL, init?: RequestInit) => nexora.fetch(new Request(input, init))) as typeof fetch
const transports: [string, () => Transport][] = [
  ['Connect (JSON)', () => createConnectTransport({ baseUrl: 'http://nexora.test', fetch: inProcess })],
  ['Connect (binary)', () => createConnectTransport({ baseUrl: 'http://nexora.test', fetch: inProcess, useBinaryFormat: true })],
  ['gRPC-Web', () => createGrpcWebTransport({ baseUrl: 'http://nexora.test', fetch: inProcess })],
]
const headers = (extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } })
async function codeOf(call: Promise<unknown>): Promise<Code | 'resolved'> {
  try {
    await call
  } catch (e) {
    return ConnectError.from(e).code
  }
  return 'resolved'
}

beforeAll(async () => {
  const key = await makeKey('ES384', 'edge')
  ;({ nexora, audit } = await toyNexora({}, [], [grpc(), jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })]))
  token = await sign(key)
  const rest = await nexora.fetch(
    new Request(
      'http://nexora.test/predict',
      post('/predict', { model: 'toy', rows: [{ features: { age: 70, smoker: true } }] }, { authorization: `Bearer ${token}` }),
    ),
  )
  restScore = (await rest.json()).predictions[0].score
})

describe.each(transports)('over fetch with %s', (protocol, transport) => {
  it("predicts the REST score, with the Hono request id in the audit trail and the client's as correlation id", async () => {
    const client = createClient(PredictionService, transport())
    const requestId = `edge-${protocol.replace(/\W/g, '')}`
    const res = await client.predict(
      {
        model: 'toy',
        rows: [
          { patientId: 'Patient/9', features: { age: { kind: { case: 'numberValue', value: 70 } }, smoker: { kind: { case: 'boolValue', value: true } } } },
        ],
      },
      headers({ 'x-request-id': requestId }),
    )
    expect(res.predictions[0]!.score).toBeCloseTo(restScore, 12)
    // Hono's own request id, never the client's; the client's is the correlation id.
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/)
    const trail = audit.events.filter((e) => e.requestId === res.requestId && e.action.startsWith('predict.'))
    expect(trail.map((e) => [e.action, e.patientRef, e.context.via, e.context.correlationId])).toEqual([
      ['predict.request', 'Patient/9', 'grpc', requestId],
      ['predict.response', 'Patient/9', 'grpc', requestId],
    ])
    expect(res.auditIds).toEqual(trail.map((e) => BigInt(e.seq)))
  })

  it('runs ModelInfer and ModelMetadata on the OIP core', async () => {
    const client = createClient(GRPCInferenceService, transport())
    const meta = await client.modelMetadata({ name: 'toy' }, headers())
    expect(meta.inputs.map((i) => `${i.name}:${i.datatype}`)).toEqual(['age:FP64', 'smoker:BOOL', 'sex:BYTES'])
    const res = await client.modelInfer(
      {
        modelName: 'toy',
        inputs: [
          { name: 'age', datatype: 'FP64', shape: [1n], contents: { fp64Contents: [70] } },
          { name: 'smoker', datatype: 'BOOL', shape: [1n], contents: { boolContents: [true] } },
        ],
      },
      headers(),
    )
    expect(res.outputs[0]!.contents!.fp64Contents[0]).toBeCloseTo(restScore, 12)
  })

  it('answers errors with the same status codes as the Node listener', async () => {
    const predict = createClient(PredictionService, transport())
    const infer = createClient(GRPCInferenceService, transport())
    const row = { features: { age: { kind: { case: 'numberValue' as const, value: 70 } } } }
    expect(await codeOf(predict.predict({ model: 'toy', rows: [row] }))).toBe(Code.Unauthenticated)
    expect(await codeOf(predict.predict({ model: 'nope', rows: [row] }, headers()))).toBe(Code.NotFound)
    expect(await codeOf(predict.predict({ model: 'toy', rows: [{ features: { weight: { kind: { case: 'numberValue', value: 1 } } } }] }, headers()))).toBe(
      Code.InvalidArgument,
    )
    expect(
      await codeOf(
        infer.modelInfer({ modelName: 'toy', inputs: [{ name: 'age', datatype: 'FP64', shape: [3n], contents: { fp64Contents: [70] } }] }, headers()),
      ),
    ).toBe(Code.InvalidArgument)
    const error = await predict.predict({ model: 'nope', rows: [row] }, headers()).then(
      () => undefined,
      (e) => ConnectError.from(e),
    )
    if (!error) throw new Error('expected NOT_FOUND')
    expect([error.rawMessage, error.metadata.get('nexora-error-code')]).toEqual(['model.not_found - model "nope" is not registered', 'model.not_found'])
  })
})

describe('limits of the fetch mount', () => {
  it('refuses real gRPC (it needs HTTP trailers a fetch Response cannot carry) with 415', async () => {
    const res = await nexora.fetch(
      new Request('http://nexora.test/nexora.v1.PredictionService/Predict', {
        method: 'POST',
        headers: { 'content-type': 'application/grpc' },
        body: new Uint8Array(5),
      }),
    )
    expect(res.status).toBe(415)
  })

  it('answers an RPC the services do not define with 404 (UNIMPLEMENTED to Connect clients)', async () => {
    const res = await nexora.fetch(new Request('http://nexora.test/inference.GRPCInferenceService/RepositoryIndex', post('', {})))
    expect(res.status).toBe(404)
  })

  it('serves plain curl-style Connect JSON, as docs/grpc.md shows', async () => {
    const res = await nexora.fetch(new Request('http://nexora.test/inference.GRPCInferenceService/ServerLive', post('', {})))
    expect([res.status, await res.json()]).toEqual([200, { live: true }])
  })
})

describe('one OIP state for the REST and gRPC doors', () => {
  it('counts gRPC inferences in /v2 statistics and honours an unload made over REST', async () => {
    const state = createOipState()
    const { nexora: shared } = await toyNexora({}, [], [oip({ state }), grpc({ state })])
    const infer = createClient(
      GRPCInferenceService,
      createConnectTransport({
        baseUrl: 'http://nexora.test',
        fetch: (async (i: RequestInfo | URL, init?: RequestInit) => shared.fetch(new Request(i, init))) as typeof fetch,
      }),
    )
    await infer.modelInfer({ modelName: 'toy', inputs: [{ name: 'age', datatype: 'FP64', shape: [2n], contents: { fp64Contents: [50, 60] } }] })
    const stats = await (await shared.app.request('/v2/models/toy/stats')).json()
    expect(stats.model_stats[0]).toMatchObject({ version: '1.0.0', inference_count: 2, execution_count: 1 })
    expect((await shared.app.request('/v2/repository/models/toy/unload', { method: 'POST' })).status).toBe(200)
    expect(
      await codeOf(infer.modelInfer({ modelName: 'toy', inputs: [{ name: 'age', datatype: 'FP64', shape: [1n], contents: { fp64Contents: [50] } }] })),
    ).toBe(Code.FailedPrecondition)
    expect((await infer.modelReady({ name: 'toy' })).ready).toBe(false)
  })
})
