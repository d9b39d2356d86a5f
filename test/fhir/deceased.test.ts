/**
 * Issue 14: `POST /fhir/patient/{id}/predict` scored a patient who died in 2006 as a
 * 101.93-year-old alive today. A model now applies to deceased patients only when its manifest
 * says so (`appliesToDeceased`); otherwise the front door refuses with `patient.deceased` (an
 * OperationOutcome), audited like every pipeline refusal, and writes nothing back.
 */
import { readFileSync } from 'node:fs'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fhirPredictNexora } from '../../testkit/fhir-predict.ts'
import type { AuditEvent, ModelManifest, Nexora } from '../../core/index.ts'
import { createDevFhirServer, generateFhirCohort, type DevFhirServer, type FhirJson } from '../../devtools/fhir-server/index.ts'

const YEAR = 365.2425 * 86_400_000
const BORN = '1904-03-01'
const DIED = '2006-01-27T09:00:00Z'
const MODEL_DIR = new URL('../../models/readmission-fhir/', import.meta.url)
const condition = (patient: string, code: string) => ({
  resourceType: 'Condition',
  id: `${patient}-${code}`,
  subject: { reference: `Patient/${patient}` },
  onsetDateTime: '2005-11-02',
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] },
})
const extra: FhirJson[] = [
  { resourceType: 'Patient', id: 'dead-dated', birthDate: BORN, gender: 'female', deceasedDateTime: DIED },
  condition('dead-dated', 'I50.9'),
  { resourceType: 'Patient', id: 'dead-flag', birthDate: '1940-05-05', gender: 'male', deceasedBoolean: true },
  condition('dead-flag', 'J44.9'),
]

let dev: DevFhirServer
let server: ServerType
let nexora: Nexora
let events: AuditEvent[]
const post = (path: string, body: unknown) =>
  nexora.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const riskAssessments = () => dev.store.count('RiskAssessment')

beforeAll(async () => {
  dev = createDevFhirServer({ resources: [...(generateFhirCohort({ patients: 3, seed: 99 }).resources as FhirJson[]), ...extra], staticTokens: ['ehr-token'] })
  const url = await new Promise<string>((resolve) => {
    server = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  ;({ nexora, events } = await fhirPredictNexora(url, 'ehr-token'))
  // The demo model as a version that says it applies to deceased patients (e.g. a retrospective study).
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8')) as ModelManifest
  await nexora.registry.register({ ...manifest, name: 'readmission-any', appliesToDeceased: true } as ModelManifest, {
    'model.json': new Uint8Array(readFileSync(new URL('model.json', MODEL_DIR))),
  })
})
afterAll(() => {
  server?.close()
})

describe('POST /fhir/patient/{id}/predict for a deceased patient', () => {
  it("refuses with a 422 patient.deceased OperationOutcome and no score, audited as the response's reason", async () => {
    for (const id of ['dead-dated', 'dead-flag']) {
      const res = await post(`/fhir/patient/${id}/predict`, { model: 'readmission-fhir', explain: true })
      expect(res.status).toBe(422)
      expect(res.headers.get('content-type')).toBe('application/fhir+json')
      const outcome = await res.json()
      expect(outcome).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'processing', details: { coding: [{ code: 'patient.deceased' }] } }],
      })
      expect(JSON.stringify(outcome)).not.toMatch(/score|probability|1904|2006/)
      const audit = events.filter((e) => e.patientRef === `Patient/${id}` && e.action.startsWith('predict.')).slice(-2)
      expect(audit.map((e) => [e.action, e.outcome, e.reason ?? null])).toEqual([
        ['predict.request', 'success', null],
        ['predict.response', 'failure', 'patient.deceased'],
      ])
    }
  })

  it('writes nothing back for a refused patient', async () => {
    const before = riskAssessments()
    const res = await post('/fhir/patient/dead-dated/predict?format=fhir&writeBack=true', { model: 'readmission-fhir' })
    expect(res.status).toBe(422)
    expect(riskAssessments()).toBe(before)
  })

  it('scores the patient as of an index time before death, with the age at that time', async () => {
    const res = await post('/fhir/patient/dead-dated/predict', { model: 'readmission-fhir', indexTime: '2005-12-01T00:00:00Z' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.features.age).toBe(Math.floor(((Date.parse('2005-12-01T00:00:00Z') - Date.parse(`${BORN}T00:00:00Z`)) / YEAR) * 100) / 100)
    expect(body.features.heart_failure).toBe(1)
  })

  it('scores with a model whose manifest sets appliesToDeceased, with the age at death rather than today', async () => {
    const res = await post('/fhir/patient/dead-dated/predict', { model: 'readmission-any' })
    expect(res.status).toBe(200)
    const body = await res.json()
    const atDeath = Math.floor(((Date.parse(DIED) - Date.parse(`${BORN}T00:00:00Z`)) / YEAR) * 100) / 100
    expect(body.features.age).toBe(atDeath)
    expect(body.features.age).toBeLessThan(102)
    expect(body.prediction.score).toBeGreaterThan(0)
  })

  it('still scores living patients as before', async () => {
    expect((await post('/fhir/patient/pt-0002/predict', { model: 'readmission-fhir' })).status).toBe(200)
  })
})

describe('the appliesToDeceased manifest field', () => {
  it('must be a boolean', async () => {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8')) as ModelManifest
    const error = await nexora.registry
      .register({ ...manifest, name: 'readmission-bad', appliesToDeceased: 'yes' } as unknown as ModelManifest, {
        'model.json': new Uint8Array(readFileSync(new URL('model.json', MODEL_DIR))),
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'model.invalid_manifest', issues: [{ path: 'appliesToDeceased' }] })
  })
})
