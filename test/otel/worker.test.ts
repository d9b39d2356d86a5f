/**
 * Tracing on Cloudflare Workers: a Worker built with the otel plugin, bundled for workerd and run by
 * Miniflare, answers /predict and exports its spans over OTLP/HTTP from `ctx.waitUntil` after the
 * answer, in the trace of the request's `traceparent`. Outbound fetches go to an in-process collector.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { applyD1Migrations } from '../../plugins/storage-d1/index.ts'
import { spansOf, type OtlpExport } from '../../testkit/otlp-receiver.ts'
import { COMPATIBILITY_DATE, loadMiniflare, WORKERS_BUILD } from '../../testkit/workerd.ts'

const TRACE_ID = '5bf92f3577b34da6a3ce929d0e0e4737'
const PARENT_ID = '10f067aa0ba902b8'
const PATIENT = 'Patient/zz-worker-4409'
const FEATURES = {
  age: 66.4813,
  sex: 'F',
  systolic_bp: 151.9731,
  hba1c: 6.8253,
  egfr: 71.3064,
  prior_admissions: 1,
  length_of_stay: 4.2719,
  on_anticoagulant: false,
}

const exported: string[] = []
let mf: Awaited<ReturnType<typeof start>>

async function start() {
  const result = await build({
    ...WORKERS_BUILD,
    mainFields: ['browser', ...WORKERS_BUILD.mainFields],
    conditions: [...WORKERS_BUILD.conditions],
    // The SDK's packages map their Node files (os, child_process) to browser ones in `browser`, as wrangler honours.
    platform: 'browser',
    entryPoints: [fileURLToPath(new URL('../../testkit/otel-worker.ts', import.meta.url))],
    external: ['node:async_hooks'],
    write: false,
    logLevel: 'silent',
  })
  const Miniflare = await loadMiniflare()
  const worker = new Miniflare({
    modules: true,
    script: result.outputFiles[0]!.text,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ['nodejs_als'],
    cf: false,
    d1Databases: { DB: 'db-id' },
    bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.test:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'nexora-worker' },
    outboundService: async (request: Request) => {
      if (new URL(request.url).pathname === '/v1/traces') exported.push(await request.text())
      return new Response('{}', { headers: { 'content-type': 'application/json' } })
    },
  })
  await applyD1Migrations(await worker.getD1Database('DB'))
  return worker
}

beforeAll(async () => {
  mf = await start()
}, 60_000)
afterAll(async () => {
  await mf?.dispose()
})

it('exports the spans of a Worker request after the answer, in the trace of its traceparent', async () => {
  const res = await mf.dispatchFetch('http://nexora.test/predict', {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientRef: PATIENT, features: FEATURES }] }),
  })
  expect(res.status).toBe(200)
  await res.arrayBuffer()
  // waitUntil runs after the answer: wait for the export to arrive.
  for (let i = 0; i < 100 && !exported.some((b) => b.includes('pipeline.predict')); i++) await new Promise((r) => setTimeout(r, 50))
  const spans = spansOf(exported.map((b) => JSON.parse(b) as OtlpExport)).filter((s) => s.traceId === TRACE_ID)
  const http = spans.find((s) => s.name === 'POST /predict')!
  expect(http.parentSpanId).toBe(PARENT_ID)
  const pipeline = spans.find((s) => s.name === 'pipeline.predict')!
  expect(pipeline.parentSpanId).toBe(http.spanId)
  expect(spans.find((s) => s.name === 'model.predict')?.parentSpanId).toBe(pipeline.spanId)
  expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['security.admit', 'registry.resolve', 'model.load', 'audit.commit']))
  const all = exported.join('\n')
  expect(all).toContain('nexora-worker')
  for (const value of [
    'zz-worker-4409',
    ...Object.values(FEATURES)
      .filter((v) => typeof v === 'number' && !Number.isInteger(v))
      .map(String),
  ])
    expect(all, `an export contains "${value}"`).not.toContain(value)
}, 30_000)
