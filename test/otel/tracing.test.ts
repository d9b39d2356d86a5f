/**
 * Tracing end to end on Node: a predictive workload (REST /predict, the FHIR door against the dev
 * FHIR server, an alert webhook) exported by the otel plugin to an in-process OTLP/HTTP receiver.
 * One trace per prediction with every stage as a span under its parent, `traceparent` honoured in
 * and sent out, trace ids in the JSON logs, and not one patient id or feature value in any export.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importModels } from '../../bin/demo-models.ts'
import {
  createLogger,
  createMetricsRegistry,
  createNexora,
  definePlugin,
  memoryAuditSink,
  memoryModelStore,
  systemClock,
  withSpan,
  type Nexora,
} from '../../core/index.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { fhirServer } from '../../plugins/fhir/index.ts'
import { fhirPredict } from '../../plugins/fhir-predict/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { webhookDelivery } from '../../plugins/monitoring/index.ts'
import { otelNode } from '../../plugins/otel/node.ts'
import { type ReceivedSpan, startOtlpReceiver } from '../../testkit/otlp-receiver.ts'

const PATIENT = 'Patient/zz-trace-7731'
// Distinctive values: any of them in an export would be a feature value leaking into telemetry.
const FEATURES = {
  age: 71.3579,
  sex: 'M',
  systolic_bp: 143.2468,
  hba1c: 7.9135,
  egfr: 58.2461,
  prior_admissions: 3,
  length_of_stay: 6.4321,
  on_anticoagulant: true,
}
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT_ID = '00f067aa0ba902b7'
const INDEX = '2026-06-01T00:00:00Z'

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>
let dev: DevFhirServer
let fhir: ServerType
const fhirHeaders: Headers[] = []
let hook: Server
const hookHeaders: IncomingHttpHeaders[] = []
let hookUrl: string
let nexora: Nexora
const logs: string[] = []
/** The features the FHIR door extracted from the record: values that must not reach a span either. */
let fhirFeatures: Record<string, unknown> = {}

const flush = () => nexora.ports.get('telemetry').flush()
const predict = (body: unknown, headers: Record<string, string> = {}) =>
  nexora.fetch(
    new Request('http://nexora.test/predict', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  )
const traceOf = (traceId: string) => receiver.spans().filter((s) => s.traceId === traceId)
const named = (spans: ReceivedSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name)
  expect(found.length, `span ${name}`).toBeGreaterThan(0)
  return found[0]!
}

beforeAll(async () => {
  receiver = await startOtlpReceiver()
  dev = createDevFhirServer({ cohort: { patients: 5, seed: 99 }, staticTokens: ['ehr-token'] })
  const fhirUrl = await new Promise<string>((resolve) => {
    const record = (request: Request) => {
      fhirHeaders.push(request.headers)
      return dev.app.fetch(request)
    }
    fhir = serve({ fetch: record, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  hook = createServer((req, res) => {
    hookHeaders.push(req.headers)
    req.resume().on('end', () => res.writeHead(204).end())
  })
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
  hookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hooks/alerts?token=secret-in-query`
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'nexora-test' }
  nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
      definePlugin({ name: 'logs', provides: 'logger', setup: () => createLogger({ write: (line) => logs.push(line) }) }),
      linearModel(),
      fhirServer({ baseUrl: fhirUrl, auth: { type: 'static', token: 'ehr-token' }, retries: 0 }),
      fhirPredict(),
      otelNode({ env }),
    ],
  })
  await importModels(nexora)
})

afterAll(async () => {
  await nexora?.close()
  fhir?.close()
  hook?.close()
  await receiver?.close()
})

describe('tracing with OpenTelemetry', () => {
  it('exports one trace per REST prediction, every stage a span under its parent, joined to the caller’s traceparent', async () => {
    const res = await predict(
      { model: 'readmission-risk', rows: [{ patientRef: PATIENT, features: FEATURES }] },
      { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` },
    )
    expect(res.status).toBe(200)
    await flush()
    const spans = traceOf(TRACE_ID)
    const http = named(spans, 'POST /predict')
    expect(http.parentSpanId).toBe(PARENT_ID)
    expect(http.kind).toBe(2) // SERVER
    expect(http.attributes).toMatchObject({ 'http.route': '/predict', 'http.request.method': 'POST', 'http.response.status_code': 200 })
    const pipeline = named(spans, 'pipeline.predict')
    expect(named(spans, 'security.admit').parentSpanId).toBe(http.spanId)
    expect(pipeline.parentSpanId).toBe(http.spanId)
    expect(pipeline.attributes).toMatchObject({
      'nexora.model': 'readmission-risk',
      'nexora.model_version': '1.0.0',
      'nexora.rows': 1,
      'nexora.outcome': 'success',
    })
    for (const stage of ['registry.resolve', 'model.load', 'model.predict']) expect(named(spans, stage).parentSpanId).toBe(pipeline.spanId)
    const commits = spans.filter((s) => s.name === 'audit.commit')
    expect(commits.length).toBeGreaterThan(0)
    for (const commit of commits) expect(spans.map((s) => s.spanId)).toContain(commit.parentSpanId)
    expect(commits.reduce((n, c) => n + (c.attributes['nexora.audit.events'] as number), 0)).toBe(2)
    // Every span of the request is in the caller's trace, and the request id ties it to the audit trail.
    expect(http.attributes['nexora.request_id']).toBe(res.headers.get('x-request-id'))
  })

  it('starts a new trace for each prediction without a traceparent', async () => {
    const before = new Set(receiver.spans().map((s) => s.traceId))
    for (let i = 0; i < 3; i++) expect((await predict({ model: 'readmission-risk', rows: [{ features: FEATURES }] })).status).toBe(200)
    await flush()
    const fresh = receiver.spans().filter((s) => !before.has(s.traceId))
    const roots = fresh.filter((s) => s.name === 'POST /predict')
    expect(roots).toHaveLength(3)
    expect(new Set(roots.map((s) => s.traceId)).size).toBe(3)
    for (const root of roots) expect(root.parentSpanId).toBeUndefined()
    for (const p of fresh.filter((s) => s.name === 'pipeline.predict')) expect(roots.map((r) => r.traceId)).toContain(p.traceId)
  })

  it('traces the FHIR door and sends the trace context on to the FHIR server', async () => {
    const traceId = 'a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8'
    const res = await nexora.fetch(
      new Request('http://nexora.test/fhir/patient/pt-0002/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${PARENT_ID}-01` },
        body: JSON.stringify({ model: 'readmission-fhir', indexTime: INDEX }),
      }),
    )
    expect(res.status).toBe(200)
    fhirFeatures = ((await res.json()) as { features: Record<string, unknown> }).features
    await flush()
    const spans = traceOf(traceId)
    const http = named(spans, 'POST /fhir/patient/:id/predict')
    const pipeline = named(spans, 'pipeline.predict')
    expect(pipeline.parentSpanId).toBe(http.spanId)
    const calls = spans.filter((s) => s.name.startsWith('fhir.'))
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      expect(call.kind).toBe(3) // CLIENT
      expect(call.attributes['http.response.status_code']).toBe(200)
      expect(call.attributes['server.address']).toMatch(/^127\.0\.0\.1:\d+$/)
    }
    expect(calls.map((c) => c.attributes['fhir.resource_type'])).toContain('Patient')
    const sent = fhirHeaders.map((h) => h.get('traceparent')).filter((t) => t?.includes(traceId))
    expect(sent.length).toBe(calls.length)
    // Each FHIR request names its own client span as the parent.
    expect(sent.map((t) => t!.split('-')[2])).toEqual(expect.arrayContaining(calls.map((c) => c.spanId)))
  })

  it('traces a webhook delivery by host and sends it the trace context', async () => {
    const delivery = webhookDelivery({ clock: systemClock, logger: createLogger({ level: 'silent' }), metrics: createMetricsRegistry() })
    await withSpan('test.alerting', {}, async () => {
      const result = await delivery.send(hookUrl, 'alert.firing', { rule: 'auroc-low', value: 0.61 })
      expect(result.ok).toBe(true)
    })
    await flush()
    const span = receiver.spans().findLast((s) => s.name === 'webhook.delivery')!
    expect(span.attributes).toMatchObject({ 'server.address': new URL(hookUrl).host, 'nexora.webhook.kind': 'alert.firing', 'http.response.status_code': 204 })
    const alerting = receiver.spans().findLast((s) => s.name === 'test.alerting')!
    expect(span.parentSpanId).toBe(alerting.spanId)
    expect(hookHeaders.at(-1)!.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`)
  })

  it('writes the trace and span ids into log lines emitted inside a span', async () => {
    const traceId = 'c0c1c2c3c4c5c6c7d0d1d2d3d4d5d6d7'
    await predict({ model: 'readmission-risk', rows: [{ features: FEATURES }] }, { traceparent: `00-${traceId}-${PARENT_ID}-01` })
    await flush()
    const line = logs.map((l) => JSON.parse(l)).find((l) => l.event === 'http.request' && l.traceId === traceId)
    expect(line).toBeDefined()
    expect(line.spanId).toBe(named(traceOf(traceId), 'POST /predict').spanId)
    // Outside any span a line carries no ids.
    const quiet: string[] = []
    createLogger({ write: (l) => quiet.push(l) }).info('outside', {})
    expect(JSON.parse(quiet[0]!)).not.toHaveProperty('traceId')
  })

  it('puts no patient id or feature value in any span name, attribute, event or resource attribute', async () => {
    // The FHIR record the door read: its ids, names, dates and values must not appear either.
    const record = dev.cohort!.resources.filter((r) => r.id === 'pt-0002' || (r.subject as { reference?: string } | undefined)?.reference === 'Patient/pt-0002')
    const patient = record.find((r) => r.resourceType === 'Patient') as { name?: { family?: string; given?: string[] }[]; birthDate?: string }
    const forbidden = [
      'zz-trace-7731',
      'pt-0002',
      ...[...Object.values(FEATURES), ...Object.values(fhirFeatures)]
        .filter((v) => typeof v === 'number' && !Number.isInteger(v))
        .map(String)
        // Short decimals (7.2) could match a version number by chance; distinctive ones cannot.
        .filter((v) => v.length >= 5),
      ...(patient.name ?? []).flatMap((n) => [n.family, ...(n.given ?? [])]).filter((s): s is string => typeof s === 'string' && s.length > 2),
      ...(patient.birthDate ? [patient.birthDate] : []),
      'secret-in-query',
      '/hooks/alerts',
    ]
    expect(forbidden.length).toBeGreaterThan(8)
    const everything = receiver.bodies.join('\n')
    // The scan reads real exports: the spans of the workload above are all in them.
    for (const name of ['pipeline.predict', 'fhir.everything', 'webhook.delivery', 'audit.commit', 'nexora-test']) expect(everything).toContain(name)
    for (const value of forbidden) expect(everything, `an export contains "${value}"`).not.toContain(value)
  })
})
