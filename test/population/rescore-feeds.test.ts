import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMllp } from '../../bin/jobs.ts'
import type { AuditEvent, JobWorker, Nexora } from '../../core/index.ts'
import type { DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { createFhirClient } from '../../plugins/fhir/index.ts'
import { JOBS_PATH, liveJobId, NOTIFY_PATH, populationDeps, rescoreFeed, subscribe } from '../../plugins/population/index.ts'
import type { Running } from '../../testkit/dev-fhir-http.ts'
import { populationNexora } from '../../testkit/population.ts'
import { fixture } from '../../testkit/hl7-fixtures.ts'
import { sender } from '../../testkit/mllp-sender.ts'

let dev: DevFhirServer
let closeFhir: (() => Promise<void>) | undefined
let front: ServerType
let fhirUrl = ''
let nexoraUrl = ''
let nexora: Nexora
let events: AuditEvent[]
const sent: { url: string; kind: string; payload: Record<string, unknown> }[] = []
const workers: JobWorker[] = []
const live = liveJobId('readmission-fhir')

const call = (path: string, body?: unknown) =>
  nexora.app.request(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
async function eventually<T>(check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    const value = await check()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('condition not met in time')
}
const liveScore = async (patient: string) => (await populationDeps(nexora).store.scores(live, { limit: 1000 })).find((s) => s.patient === patient)

beforeAll(async () => {
  let fhir: Running
  ;({ nexora, dev, fhir, events } = await populationNexora({ cohort: { patients: 6, seed: 5 } }, { feeds: { models: ['readmission-fhir'], debounceMs: 300 } }))
  fhirUrl = fhir.url
  closeFhir = fhir.close
  nexoraUrl = await new Promise<string>((resolve) => {
    front = serve({ fetch: nexora.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
})
afterAll(async () => {
  for (const w of workers) await w.stop()
  await nexora?.close()
  await closeFhir?.()
  front?.close()
})

describe('scoring on change: debounced re-scores into the live job', () => {
  it('turns a burst of changes to one patient into one re-score, equal to a direct FHIR-door score, and posts risk.high above the threshold', async () => {
    const feed = rescoreFeed(populationDeps(nexora), {
      models: ['readmission-fhir'],
      debounceMs: 400,
      threshold: 0,
      webhook: 'https://alerts.example/hook',
      send: async (url, kind, payload) => void sent.push({ url, kind, payload }),
    })
    workers.push(await feed.start({ pollIntervalMs: 10 }))
    const before = events.filter((e) => e.action === 'predict.response').length
    for (let i = 0; i < 3; i++) await feed.accept({ patientId: 'pt-0002', resources: [], source: 'fhir-subscription' })
    const score = await eventually(() => liveScore('pt-0002'))
    await new Promise((r) => setTimeout(r, 800)) // past the window: nothing more runs
    expect(events.filter((e) => e.action === 'predict.response').length - before).toBe(1)
    const direct = await (await call('/fhir/patient/pt-0002/predict', { model: 'readmission-fhir' })).json()
    expect(score.status).toBe('scored')
    expect(score.score).toBeCloseTo(direct.prediction.score, 6)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ url: 'https://alerts.example/hook', kind: 'risk.high', payload: { patient: 'Patient/pt-0002', model: 'readmission-fhir' } })
    // The live job is a job like any other to read.
    const status = await (await call(`${JOBS_PATH}/${live}`)).json()
    expect(status.job.state).toBe('live')
  })

  it('an HL7 v2 admission (a published ADT^A01) over MLLP is acknowledged AA and scores a patient the FHIR server has never seen', async () => {
    const mllp = await startMllp(nexora, { feeds: { models: ['readmission-fhir'], debounceMs: 300, mllpHost: '127.0.0.1', subscribe: false } }, 0)
    const feedWorker = await rescoreFeed(populationDeps(nexora), { models: ['readmission-fhir'], debounceMs: 300 }).start({ pollIntervalMs: 10 })
    workers.push(feedWorker)
    try {
      const s = await sender(mllp.port)
      s.send(fixture('medplum-adt-a01'))
      const ack = await s.nextAck(20_000)
      expect(ack.split('\r')[1]).toMatch(/^MSA\|AA\|/)
      s.close()
      const staged = await populationDeps(nexora).store.staged('live-feed', '', '\uffff')
      const patient = staged.find((r) => r.type === 'Patient')!.patient
      expect(staged.filter((r) => r.patient === patient).map((r) => r.type)).toEqual(expect.arrayContaining(['Patient', 'Encounter']))
      const score = await eventually(() => liveScore(patient))
      expect(score.status).toBe('scored')
      expect(score.score).toBeGreaterThan(0)
      // A malformed message is refused (AR) and nothing is staged or queued for it.
      const t = await sender(mllp.port)
      t.send('MSH|^~\\&|X|Y|Z|W|20260101||ADT^A01|C1|P|2.5.1\rPID|||')
      expect((await t.nextAck(20_000)).split('\r')[1]).toMatch(/^MSA\|AR\|C1/)
      t.close()
      expect((await populationDeps(nexora).store.staged('live-feed', '', '\uffff')).length).toBe(staged.length)
    } finally {
      await mllp.close()
    }
  })
})

describe('FHIR Subscriptions as a feed: the dev FHIR server notifies, Nexora re-scores', () => {
  const ehr = () => createFhirClient({ baseUrl: fhirUrl, auth: { type: 'static', token: 'ehr-token' }, retries: 0 })
  const observation = (patient: string, value: number) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c' }] },
    subject: { reference: `Patient/${patient}` },
    effectiveDateTime: new Date(Date.now() - 86_400_000).toISOString(),
    valueQuantity: { value, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  })

  it('R4 rest-hook with a payload: a new Observation is PUT to the endpoint and its patient is re-scored with it', async () => {
    workers.push(await rescoreFeed(populationDeps(nexora), { models: ['readmission-fhir'], debounceMs: 300 }).start({ pollIntervalMs: 10 }))
    const ids = await subscribe(ehr(), { endpoint: `${nexoraUrl}${NOTIFY_PATH}`, types: ['Observation'] })
    expect((await ehr().read('Subscription', ids[0]!)).status).toBe('active')
    // Subscribing again makes nothing new.
    expect(await subscribe(ehr(), { endpoint: `${nexoraUrl}${NOTIFY_PATH}`, types: ['Observation'] })).toEqual(ids)
    await ehr().create(observation('pt-0004', 11.5))
    await dev.subscriptions.drain()
    expect((await ehr().read('Subscription', ids[0]!)).status).toBe('active') // delivered: not marked error
    const score = await eventually(() => liveScore('pt-0004'))
    const direct = await (await call('/fhir/patient/pt-0004/predict', { model: 'readmission-fhir' })).json()
    expect(direct.features.hba1c_latest).toBe(11.5)
    expect(score.score).toBeCloseTo(direct.prediction.score, 6)
    expect(events.some((e) => e.action === 'access' && JSON.stringify(e.context ?? {}).includes('/fhir/notify'))).toBe(true)
  })

  it('Backport IG notification Bundle (full-resource) re-scores the patient; a non-FHIR body is a 400 OperationOutcome', async () => {
    const res = await fetch(`${nexoraUrl}${NOTIFY_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Bundle',
        type: 'history',
        entry: [
          { resource: { resourceType: 'Parameters', parameter: [{ name: 'type', valueCode: 'event-notification' }] } },
          { fullUrl: `${fhirUrl}/Observation/x1`, resource: { ...observation('pt-0005', 6.1), id: 'x1' } },
        ],
      }),
    })
    expect(res.status).toBe(200)
    expect((await res.json()).issue[0].diagnostics).toBe('1 patient(s) queued')
    await eventually(() => liveScore('pt-0005'))
    const bad = await fetch(`${nexoraUrl}${NOTIFY_PATH}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: '{"not":"fhir"}' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).resourceType).toBe('OperationOutcome')
    // An empty R4 ping names nobody: accepted, nothing queued.
    const ping = await fetch(`${nexoraUrl}${NOTIFY_PATH}`, { method: 'POST' })
    expect(ping.status).toBe(200)
  })
})
