/**
 * The gRPC front door on Cloudflare Workers: bundled as a Worker is (no Node module may come
 * along) and run in workerd, where connect-web's Connect and gRPC-Web clients call it over HTTP.
 */
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Code, ConnectError, createClient } from '@connectrpc/connect'
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GRPCInferenceService, PredictionService } from '../../plugins/grpc/index.ts'
import { applyD1Migrations } from '../../plugins/storage-d1/index.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../../testkit/tokens.ts'
import { bundleForWorkers, startWorker, type RunningWorker, type WorkerBundle } from '../../testkit/workerd.ts'

const ENTRY = `
import { createWorker } from './adapters/cloudflare.ts'
import { grpc } from './plugins/grpc/index.ts'
import manifest from './models/readmission-risk/manifest.json' with { type: 'json' }
import model from './models/readmission-risk/model.json' with { type: 'json' }
import profile from './models/readmission-risk/profile.json' with { type: 'json' }
export default createWorker({ plugins: () => [grpc()], bundledModels: [{ manifest, files: { 'model.json': model, 'profile.json': profile } }] })
`
const features = { age: 71, systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6 }

let bundle: WorkerBundle
let worker: RunningWorker
let token: string

beforeAll(async () => {
  const root = fileURLToPath(new URL('../../', import.meta.url))
  bundle = await bundleForWorkers({ contents: ENTRY, resolveDir: root }, { external: ['node:*', ...builtinModules] })
  const key = await makeKey('ES384', 'workers')
  token = await sign(key)
  worker = await startWorker({
    code: bundle.code,
    d1: ['DB'],
    listen: true,
    vars: { NEXORA_JWKS: JSON.stringify({ keys: [key.jwk] }), NEXORA_JWT_ISSUERS: ISSUER, NEXORA_JWT_AUDIENCE: AUDIENCE },
  })
  await applyD1Migrations(await worker.mf.getD1Database('DB'))
}, 120_000)
afterAll(async () => {
  await worker?.close()
})

describe('gRPC front door on Workers', () => {
  it('bundles without any Node module', () => {
    const imports = Object.values(bundle.metafile.inputs)
      .flatMap((i) => i.imports)
      .filter((i) => i.path.startsWith('node:') || i.external)
    expect(imports.map((i) => i.path)).toEqual([])
    expect(Object.keys(bundle.metafile.inputs)).toEqual(expect.arrayContaining(['plugins/grpc/fetch.ts', 'plugins/oip/core.ts']))
  })

  it('predicts over Connect and runs ModelInfer over gRPC-Web in workerd', async () => {
    const auth = { headers: { authorization: `Bearer ${token}` } }
    const predict = createClient(PredictionService, createConnectTransport({ baseUrl: worker.url }))
    const row = {
      features: Object.fromEntries([
        ...Object.entries(features).map(([k, v]) => [k, { kind: { case: 'numberValue' as const, value: v } }]),
        ['sex', { kind: { case: 'stringValue' as const, value: 'F' } }],
        ['on_anticoagulant', { kind: { case: 'boolValue' as const, value: true } }],
      ]),
    }
    const res = await predict.predict({ model: 'readmission-risk', rows: [row] }, auth)
    expect(res.predictions[0]!.score).toBeGreaterThan(0.5)
    expect(res.auditIds).toHaveLength(2)

    const infer = createClient(GRPCInferenceService, createGrpcWebTransport({ baseUrl: worker.url }))
    const inputs = [
      ...Object.entries(features).map(([name, v]) => ({ name, datatype: 'FP64', shape: [1n], contents: { fp64Contents: [v] } })),
      { name: 'sex', datatype: 'BYTES', shape: [1n], contents: { bytesContents: [new TextEncoder().encode('F')] } },
      { name: 'on_anticoagulant', datatype: 'BOOL', shape: [1n], contents: { boolContents: [true] } },
    ]
    const out = await infer.modelInfer({ modelName: 'readmission-risk', inputs }, auth)
    expect(out.outputs[0]!.contents!.fp64Contents[0]).toBeCloseTo(res.predictions[0]!.score, 12)
    const error = await infer.modelMetadata({ name: 'readmission-risk' }).then(
      () => undefined,
      (e) => ConnectError.from(e),
    )
    expect(error?.code).toBe(Code.Unauthenticated)
  })
})
