import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fhirPredictNexora } from '../../testkit/fhir-predict.ts'
import { createNexora, memoryAuditSink, memoryModelStore, definePlugin, type Nexora, type AuditEvent } from '../../core/index.ts'
import { importModels } from '../../bin/demo-models.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { ClinicalETL } from '../../plugins/etl/index.ts'
import { fhirServer } from '../../plugins/fhir/index.ts'
import { fhirPredict } from '../../plugins/fhir-predict/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

let dev: DevFhirServer
let server: ServerType
let url: string
let nexora: Nexora
let events: AuditEvent[]
const INDEX = '2026-06-01T00:00:00Z'
const post = (path: string, body: unknown) =>
  nexora.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeAll(async () => {
  dev = createDevFhirServer({ cohort: { patients: 5, seed: 99 }, staticTokens: ['ehr-token'] })
  url = await new Promise<string>((resolve) => {
    server = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  ;({ nexora, events } = await fhirPredictNexora(url, 'ehr-token'))
})
afterAll(() => {
  server?.close()
})

describe('POST /fhir/patient/{id}/predict', () => {
  it("scores a patient from their FHIR record with the model's own feature spec, audited", async () => {
    const res = await post('/fhir/patient/pt-0002/predict', { model: 'readmission-fhir', explain: true, indexTime: INDEX })
    expect(res.status).toBe(200)
    const body = await res.json()
    const manifest = (await nexora.registry.resolve('readmission-fhir')).manifest
    const etl = new ClinicalETL(manifest.featureSpec)
    const record = dev.cohort!.resources.filter((r) => r.id === 'pt-0002' || (r.subject as { reference?: string } | undefined)?.reference === 'Patient/pt-0002')
    const expected = etl.transform(etl.fromBundle({ entry: structuredClone(record).map((resource) => ({ resource })) })[0]!, { indexTime: INDEX })
    expect(body.features).toEqual(expected.features)
    expect(body.basis).toEqual(expected.basis)
    expect(body.basis.length).toBeGreaterThan(5)
    const direct = await nexora.predict({
      model: 'readmission-fhir',
      rows: [{ features: Object.fromEntries(Object.entries(expected.features).filter(([, v]) => v !== null)) }],
    })
    expect(body.prediction.score).toBeCloseTo(direct.predictions[0]!.score, 12)
    expect(body.prediction.explanation.length).toBeGreaterThan(0)
    const audit = events.filter((e) => e.requestId === body.requestId)
    expect(audit.map((e) => [e.action, e.patientRef, e.outcome])).toEqual([
      ['predict.request', 'Patient/pt-0002', 'success'],
      ['predict.response', 'Patient/pt-0002', 'success'],
    ])
    expect(audit[1]!.context).toMatchObject({ source: 'fhir', resources: record.length })
  })

  it('answers a FHIR RiskAssessment with ?format=fhir, and writes it back with ?writeBack=true', async () => {
    const res = await post('/fhir/patient/pt-0003/predict?format=fhir&writeBack=true', { model: 'readmission-fhir', indexTime: INDEX })
    expect(res.headers.get('content-type')).toBe('application/fhir+json')
    const assessment = await res.json()
    expect(assessment).toMatchObject({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/pt-0003' },
      method: { coding: [{ system: 'urn:nexora:model', code: 'readmission-fhir@1.0.0' }] },
    })
    const p = assessment.prediction[0].probabilityDecimal
    expect(p).toBeGreaterThan(0)
    expect(p).toBeLessThan(1)
    expect(assessment.basis.every((b: { reference: string }) => /^(Patient|Observation|Condition|Encounter|MedicationRequest)\//.test(b.reference))).toBe(true)
    expect(Date.parse(assessment.occurrenceDateTime)).not.toBeNaN()
    const onServer = await (await fetch(`${url}/RiskAssessment/${assessment.id}`, { headers: { authorization: 'Bearer ehr-token' } })).json()
    expect(onServer.subject.reference).toBe('Patient/pt-0003')
    expect(events.at(-1)).toMatchObject({
      action: 'fhir.create',
      patientRef: 'Patient/pt-0003',
      context: { resourceType: 'RiskAssessment', id: assessment.id },
    })
  })

  it('answers errors as OperationOutcomes: unknown patient, a model without a feature spec, a bad body', async () => {
    const missing = await post('/fhir/patient/nobody/predict', { model: 'readmission-fhir' })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/fhir+json')
    expect(await missing.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-found', details: { coding: [{ code: 'fhir.not_found' }] } }],
    })
    const noSpec = await post('/fhir/patient/pt-0002/predict', { model: 'readmission-risk' })
    expect([noSpec.status, (await noSpec.json()).issue[0].details.coding[0].code]).toEqual([400, 'model.invalid_manifest'])
    const bad = await nexora.app.request('/fhir/patient/pt-0002/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    })
    expect([bad.status, (await bad.json()).resourceType]).toEqual([400, 'OperationOutcome'])
    expect(events.at(-1)).toMatchObject({ action: 'predict.response', outcome: 'failure', reason: 'model.invalid_manifest' })
  })

  it('answers 503 OperationOutcome when the FHIR server is down, and audits the failure', async () => {
    const down = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
        linearModel(),
        fhirServer({ baseUrl: 'http://127.0.0.1:9', retries: 0, timeoutMs: 2000 }),
        fhirPredict(),
      ],
    })
    await importModels(down)
    const res = await down.app.request('/fhir/patient/pt-0002/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-fhir' }),
    })
    expect(res.status).toBe(503)
    expect((await res.json()).issue[0]).toMatchObject({ code: 'transient', details: { coding: [{ code: 'fhir.unavailable' }] } })
  })
})

describe('the FHIR front door in the route table', () => {
  it('documents its route in /openapi.json and covers it with an access policy', async () => {
    const doc = await (await nexora.app.request('/openapi.json')).json()
    expect(doc.paths['/fhir/patient/{id}/predict'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/FhirPredictRequest')
    const { ROUTE_POLICIES } = await import('../../core/index.ts')
    const door = nexora.ports.getAll('frontDoor')[0]!
    const policies = { ...ROUTE_POLICIES, ...door.policies }
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    expect(documented.filter((r) => !policies[r])).toEqual([])
    expect(policies['POST /fhir/patient/:id/predict']).toMatchObject({ patientParam: 'id', audit: 'handler' })
  })
})
