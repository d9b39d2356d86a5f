import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importModels } from '../../bin/demo-models.ts'
import { createNexora, type Nexora } from '../../core/index.ts'
import { createDevFhirServer } from '../../devtools/fhir-server/index.ts'
import { fhirServer } from '../../plugins/fhir/index.ts'
import { fhirPredict } from '../../plugins/fhir-predict/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { jobStatus, populationDeps } from '../../plugins/population/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { cliRunner } from '../../testkit/cli.ts'
import { listen, type Running } from '../../testkit/dev-fhir-http.ts'
import { type PostgresServer, startPostgres } from '../../testkit/postgres.ts'
import { startWorkerProcess, type WorkerProcess } from '../../testkit/worker-process.ts'

const PATIENTS = 240
const INDEX = '2026-11-30T00:00:00.000Z'
let pgServer: PostgresServer
let fhir: Running
let db = ''
let dir = ''
let nexora: Nexora
const workers: WorkerProcess[] = []

beforeAll(async () => {
  pgServer = await startPostgres()
  db = await pgServer.createDatabase()
  dir = mkdtempSync(join(tmpdir(), 'nexora-workers-'))
  fhir = await listen(createDevFhirServer({ population: { patients: PATIENTS, seed: 7, now: '2026-11-30T00:00:00Z' }, staticTokens: ['ehr-token'] }))
  // The test's own Nexora on the same database: it reads the results and scores patients directly.
  nexora = await createNexora({
    plugins: [
      sqlStorage({ url: db }),
      linearModel(),
      fhirServer({ baseUrl: fhir.url, auth: { type: 'static', token: 'ehr-token' }, retries: 0 }),
      fhirPredict(),
    ],
  })
  await importModels(nexora)
}, 180_000)
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL')
  await nexora?.close()
  fhir?.close()
  await pgServer?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const env = () => ({
  NEXORA_DB: db,
  NEXORA_DATA_DIR: dir,
  NEXORA_FHIR_URL: fhir.url,
  NEXORA_FHIR_TOKEN: 'ehr-token',
  NEXORA_JOBS_SHARD_TIMEOUT_MS: '20000',
  NEXORA_LOG_LEVEL: 'warn',
})

describe('a Group export scored by two `nexora worker` processes on PostgreSQL (pg-boss)', () => {
  it('scores every patient exactly once, each equal to a direct /fhir/patient/{id}/predict at the same index time, and the audit chain verifies', async () => {
    workers.push(await startWorkerProcess(env()), await startWorkerProcess(env()))
    const run = cliRunner({ env: env() })
    const started = await run('population', 'score', '--model', 'readmission-fhir', '--group', 'all', '--index-time', INDEX, '--shard-size', '20', '--detach')
    expect(started.code, started.stderr).toBe(0)
    const job = JSON.parse(started.stdout)
    const deps = populationDeps(nexora)
    let status = await jobStatus(deps.store, job.id, Date.now())
    for (let i = 0; i < 1200 && status.job.state !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 250))
      status = await jobStatus(deps.store, job.id, Date.now())
    }
    expect(status.job).toMatchObject({ state: 'completed', total: PATIENTS, shards: PATIENTS / 20 })
    expect(status.progress).toMatchObject({ done: PATIENTS, failed: 0 })
    const scores = await deps.store.scores(job.id, { limit: 10_000 })
    expect(new Set(scores.map((s) => s.patient)).size).toBe(PATIENTS)
    for (const s of scores) {
      const res = await nexora.app.request(`/fhir/patient/${s.patient}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'readmission-fhir', indexTime: INDEX }),
      })
      if (s.status === 'skipped') {
        expect(res.status).toBe(422)
        continue
      }
      expect(res.status).toBe(200)
      expect(s.score!).toBeCloseTo((await res.json()).prediction.score, 12)
    }
    expect((await nexora.audit.verify()).ok).toBe(true)
    for (const w of workers) expect(w.peakRss()).toBeLessThan(1024 ** 3)
  })
})
