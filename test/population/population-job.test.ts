import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent, JobWorker, Nexora } from '../../core/index.ts'
import { createFhirClient } from '../../plugins/fhir/index.ts'
import { JOBS_PATH, runShard, populationDeps, startPopulationWorker } from '../../plugins/population/index.ts'
import type { Running } from '../../testkit/dev-fhir-http.ts'
import { populationNexora } from '../../testkit/population.ts'

const INDEX = '2026-06-01T00:00:00.000Z'
const PATIENTS = 30
let fhir: Running
let nexora: Nexora
let worker: JobWorker
let events: AuditEvent[]

const call = (path: string, body?: unknown) =>
  nexora.app.request(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const riskAssessments = async () => {
  const out: Record<string, unknown>[] = []
  for await (const r of createFhirClient({ baseUrl: fhir.url, auth: { type: 'static', token: 'ehr-token' } }).search('RiskAssessment', {})) out.push(r)
  return out
}
async function waitFor(id: string) {
  for (let i = 0; i < 600; i++) {
    const status = await (await call(`${JOBS_PATH}/${id}`)).json()
    if (status.job.state !== 'staging' && status.job.state !== 'scoring') return status
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('job did not end')
}

beforeAll(async () => {
  ;({ nexora, fhir, events } = await populationNexora({ cohort: { patients: PATIENTS, seed: 41 }, bulkExport: { delayMs: 0 } }))
  worker = await startPopulationWorker(nexora, { concurrency: 2, pollIntervalMs: 10 })
})
afterAll(async () => {
  await worker?.stop()
  await nexora?.close()
  await fhir?.close()
})

describe('population jobs: a Group export scored shard by shard on the in-process queue', () => {
  let jobId = ''
  let status: Awaited<ReturnType<typeof waitFor>>

  it('runs a job to completion with one result per patient, each equal to a direct FHIR-door score at the same index time', async () => {
    const res = await call(JOBS_PATH, { model: 'readmission-fhir', level: 'group', group: 'all', indexTime: INDEX, shardSize: 7 })
    expect(res.status).toBe(202)
    const job = await res.json()
    jobId = job.id
    expect(res.headers.get('location')).toBe(`${JOBS_PATH}/${job.id}`)
    expect(job).toMatchObject({ state: 'staging', model: 'readmission-fhir', indexTime: INDEX })
    status = await waitFor(job.id)
    expect(status.job).toMatchObject({ state: 'completed', total: PATIENTS, shards: Math.ceil(PATIENTS / 7) })
    expect(status.progress.done).toBe(PATIENTS)
    expect(status.progress.failed).toBe(0)

    const scores = (await (await call(`${JOBS_PATH}/${job.id}/scores?limit=1000`)).json()).scores
    expect(scores).toHaveLength(PATIENTS)
    expect(new Set(scores.map((s: { patient: string }) => s.patient)).size).toBe(PATIENTS)
    for (const s of scores) {
      const direct = await call(`/fhir/patient/${s.patient}/predict`, { model: 'readmission-fhir', indexTime: INDEX })
      if (s.status === 'skipped') {
        expect(direct.status).toBe(422)
        expect((await direct.json()).issue[0].details.coding[0].code).toBe(s.reason)
        continue
      }
      expect(direct.status).toBe(200)
      expect(s.score).toBeCloseTo((await direct.json()).prediction.score, 12)
    }
    // The worklist is ordered by risk.
    const scored = scores.filter((s: { status: string }) => s.status === 'scored').map((s: { score: number }) => s.score)
    expect(scored).toEqual([...scored].sort((a, b) => b - a))
  })

  it('audits the export and every patient scored, in batches that carry the job id, and the chain verifies', async () => {
    const mine = events.filter((e) => JSON.stringify(e.context ?? {}).includes(jobId) || e.requestId === jobId)
    expect(mine.map((e) => e.action)).toEqual(expect.arrayContaining(['population.create', 'fhir.export', 'population.complete']))
    const batches = events.filter((e) => e.action === 'predict.response' && String(e.context?.correlationId ?? '').startsWith(`population:${jobId}/`))
    expect(batches.length).toBe(status.job.shards)
    const touched = new Set(batches.flatMap((e) => (e.context?.patients as string[] | undefined) ?? (e.patientRef ? [e.patientRef] : [])))
    expect(touched.size).toBe(status.progress.scored)
    expect((await nexora.audit.verify()).ok).toBe(true)
  })

  it('serves the worklist filtered, as CSV and NDJSON, audited with the patients it showed', async () => {
    const top = (await (await call(`${JOBS_PATH}/${jobId}/scores?limit=5&status=scored`)).json()).scores
    expect(top).toHaveLength(5)
    const csv = await call(`${JOBS_PATH}/${jobId}/scores?limit=5&status=scored&format=csv`)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = (await csv.text()).trimEnd().split('\r\n')
    expect(lines[0]).toBe('patient,score,label,status,reason,model,version,scoredAt')
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(top.map((s: { patient: string }) => s.patient))
    const nd = await (await call(`${JOBS_PATH}/${jobId}/scores?limit=5&status=scored&format=ndjson`)).text()
    expect(
      nd
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).patient),
    ).toEqual(top.map((s: { patient: string }) => s.patient))
    const read = events.filter((e) => e.action === 'population.worklist' && e.context?.job === jobId).slice(-3)
    expect(read[0]!.context!.patients).toEqual(top.map((s: { patient: string }) => `Patient/${s.patient}`))
  })

  it('a shard run again (a redelivery) adds no result and scores nobody twice', async () => {
    const deps = populationDeps(nexora)
    const before = events.length
    await deps.store.updateJob(jobId, { state: 'scoring' })
    await runShard(deps, { job: jobId, shard: 0, from: '', to: '\uffff' }, 1)
    const after = await deps.store.progress(jobId)
    expect(after.scored + after.skipped).toBe(PATIENTS)
    expect(events.slice(before).filter((e) => e.action.startsWith('predict.'))).toEqual([])
  })

  it('POST /predict with features "store" scores from the features a job stored, refusing stale ones and patients without any', async () => {
    const stale = await call('/predict', { model: 'readmission-fhir', rows: [{ patientId: 'pt-0003', features: 'store' }] })
    expect(stale.status).toBe(422)
    expect((await stale.json()).code).toBe('features.stale') // the job scored as of 2026-06-01
    const res = await call(JOBS_PATH, { model: 'readmission-fhir', level: 'group', group: 'all', shardSize: 50 })
    const fresh = await waitFor((await res.json()).id)
    const scored = (await (await call(`${JOBS_PATH}/${fresh.job.id}/scores?limit=3&status=scored`)).json()).scores
    const stored = await call('/predict', {
      model: 'readmission-fhir',
      rows: scored.map((s: { patient: string }) => ({ patientId: s.patient, features: 'store' })),
    })
    expect(stored.status).toBe(200)
    const body = await stored.json()
    body.predictions.forEach((p: { score: number }, i: number) => expect(p.score).toBeCloseTo(scored[i].score, 12))
    const response = events.find((e) => e.requestId === body.requestId && e.action === 'predict.response')!
    expect(response.context?.source).toBe('feature-store')
    const none = await call('/predict', { model: 'readmission-fhir', rows: [{ patientId: 'no-such-patient', features: 'store' }] })
    expect(none.status).toBe(422)
    expect((await none.json()).code).toBe('features.not_stored')
  })

  it("with writeBack, creates each scored patient's RiskAssessment on the FHIR server, a transaction Bundle a shard, audited with the count", async () => {
    const before = await riskAssessments()
    const res = await call(JOBS_PATH, { model: 'readmission-fhir', level: 'group', group: 'all', indexTime: INDEX, shardSize: 10, writeBack: true })
    const status = await waitFor((await res.json()).id)
    expect(status.job.state).toBe('completed')
    const written = (await riskAssessments()).filter((r) => !before.some((b) => b.id === r.id))
    expect(written).toHaveLength(status.progress.scored)
    const scores = (await (await call(`${JOBS_PATH}/${status.job.id}/scores?limit=100&status=scored`)).json()).scores
    for (const r of written) {
      const patient = (r.subject as { reference: string }).reference.replace('Patient/', '')
      const p = (r.prediction as { probabilityDecimal: number }[])[0]!.probabilityDecimal
      expect(p).toBeCloseTo(scores.find((s: { patient: string }) => s.patient === patient).score, 12)
    }
    const creates = events.filter((e) => e.action === 'fhir.create' && e.context?.job === status.job.id)
    expect(creates).toHaveLength(status.job.shards)
    expect(creates.reduce((n, e) => n + (e.context?.count as number), 0)).toBe(status.progress.scored)
  })

  it('a job whose export the FHIR server refuses ends failed with the code after its retries, and says so in the audit trail', async () => {
    const res = await call(JOBS_PATH, { model: 'readmission-fhir', level: 'group', group: 'no-such-group' })
    expect(res.status).toBe(202)
    const status = await waitFor((await res.json()).id)
    expect(status.job.state).toBe('failed')
    expect(status.job.error).toMatch(/^fhir\./)
    expect(events.some((e) => e.action === 'population.failed' && e.context?.job === status.job.id && e.reason === status.job.error)).toBe(true)
  })

  it('refuses bad requests with problem+json: unknown model, a group export without a group, a job id that is not one', async () => {
    const unknown = await call(JOBS_PATH, { model: 'no-such-model' })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/)
    expect((await call(JOBS_PATH, { model: 'readmission-fhir', level: 'group' })).status).toBe(400)
    // A model without a FHIR feature spec cannot score a FHIR population.
    const specless = await call(JOBS_PATH, { model: 'readmission-risk' })
    expect(specless.status).toBe(400)
    expect((await specless.json()).code).toBe('model.invalid_manifest')
    expect((await call(`${JOBS_PATH}/not-a-uuid`)).status).toBe(400)
    expect((await call(`${JOBS_PATH}/${crypto.randomUUID()}`)).status).toBe(404)
    expect((await call(`${JOBS_PATH}/${jobId}/cancel`, {})).status).toBe(409)
  })
})
