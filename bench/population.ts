/**
 * `npm run bench -- population`: a Group `$export` of the dev FHIR server's synthetic population
 * (population.ts: ~17 resources a patient) → staging → shards on pg-boss → `nexora worker`
 * processes → risk scores, on a PostgreSQL the bench starts (fsync off). Three runs, each on a
 * fresh database: one worker, two workers (the ratio is the scaling), and two workers with a
 * worker killed (SIGKILL) at three random points and restarted (0 lost, 0 duplicated, the audit
 * chain verified). `BENCH_POPULATION_PATIENTS` sets the cohort (default 10,000; the issue's
 * figure is 100,000). On this two-core machine the dev FHIR server and the poller run in this
 * process and PostgreSQL beside the workers: their CPU seconds are reported with the rates.
 */
import pgDriver from 'pg'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importModels } from '../bin/demo-models.ts'
import { createNexora, type Nexora } from '../core/index.ts'
import { createDevFhirServer } from '../devtools/fhir-server/index.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { createJob, jobStatus, populationDeps, populationJobs } from '../plugins/population/index.ts'
import { pgBossJobs } from '../plugins/queue-pgboss/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'
import { listen } from '../testkit/dev-fhir-http.ts'
import { startPostgres } from '../testkit/postgres.ts'
import { startWorkerProcess, type WorkerProcess } from '../testkit/worker-process.ts'

const PATIENTS = Number(process.env.BENCH_POPULATION_PATIENTS ?? 10_000)
const SHARD = 250

/** CPU seconds (user + system) of these processes so far. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // exited
    }
  }
  return ticks / 100
}
/** The machine's busy and total CPU time (all cores) so far, from /proc/stat, in seconds. */
function machineCpu(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[]
  const busy = user! + nice! + system! + irq! + softirq! + steal!
  return { busy: busy / 100, total: (busy + idle! + iowait!) / 100 }
}

interface RunFigures {
  state: string
  workers: number
  patients: number
  stagingSeconds: number
  scoringSeconds: number
  /** Patients scored a second while shards ran, all workers together. */
  scoringRate: number
  perWorkerRate: number
  /** Export → staging → scores, patients a second. */
  endToEndRate: number
  peakRssMb: number[]
  cpuSecondsWorkers?: number
  /** The whole machine while shards ran: busy share of both cores, and the workers' part of it. */
  machineBusy?: number
  workersShareOfBusy?: number
  cpuSecondsBenchProcess?: number
  /** Bytes a patient takes: staged (while the job runs), and what stays (results, features, audit). */
  bytesPerPatient?: { staging: number; riskScores: number; featureValues: number; auditEvents: number }
  kills?: number
  lost?: number
  duplicated?: number
  failed?: number
  auditVerified?: boolean
}

async function run(workers: number, kills = 0): Promise<RunFigures> {
  const pg = await startPostgres()
  const db = await pg.createDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'nexora-population-bench-'))
  const fhir = await listen(createDevFhirServer({ population: { patients: PATIENTS, seed: 11, now: '2026-11-30T00:00:00Z' }, staticTokens: ['bench'] }))
  const env = {
    NEXORA_DB: db,
    NEXORA_DATA_DIR: dir,
    NEXORA_FHIR_URL: fhir.url,
    NEXORA_FHIR_TOKEN: 'bench',
    NEXORA_LOG_LEVEL: 'warn',
    NEXORA_JOBS_SHARD_TIMEOUT_MS: '15000',
  }
  let nexora: Nexora | undefined
  const procs: WorkerProcess[] = []
  try {
    nexora = await createNexora({
      plugins: [
        sqlStorage({ url: db }),
        linearModel(),
        pgBossJobs({ url: db }),
        fhirServer({ baseUrl: fhir.url, auth: { type: 'static', token: 'bench' }, retries: 0 }),
        populationJobs(),
      ],
    })
    await importModels(nexora)
    for (let i = 0; i < workers; i++) procs.push(await startWorkerProcess(env))
    const deps = populationDeps(nexora)
    const cpu = () => ({ w: cpuSeconds(procs.map((p) => p.child.pid!)), machine: machineCpu(), me: process.cpuUsage() })
    const job = await createJob(
      deps,
      { model: 'readmission-fhir', source: { level: 'group', group: 'all' }, indexTime: '2026-11-30T00:00:00Z', shardSize: SHARD },
      'bench',
    )
    const started = Date.now()
    let status = await jobStatus(deps.store, job.id, Date.now())
    let atScoring: ReturnType<typeof cpu> | undefined
    let stagingBytes = 0
    const size = async (table: string) => {
      const client = new pgDriver.Client({ connectionString: db })
      await client.connect()
      try {
        return Number((await client.query('SELECT pg_total_relation_size($1) AS n', [table])).rows[0].n)
      } finally {
        await client.end()
      }
    }
    let killed = 0
    const killAt = Array.from({ length: kills }, () => 0.1 + Math.random() * 0.7).sort()
    for (; status.job.state !== 'completed' && status.job.state !== 'failed'; ) {
      await new Promise((r) => setTimeout(r, 200))
      status = await jobStatus(deps.store, job.id, Date.now())
      for (const p of procs) p.peakRss()
      if (Date.now() - started > 30 * 60_000) throw new Error(`the job did not end within 30 minutes (${status.job.state})`)
      if (status.job.state === 'scoring' && !atScoring) {
        atScoring = cpu()
        stagingBytes = await size('population_staging')
      }
      if (killed < kills && status.job.state === 'scoring' && status.progress.done / status.job.total >= killAt[killed]!) {
        const victim = Math.floor(Math.random() * procs.length)
        procs[victim]!.child.kill('SIGKILL')
        await procs[victim]!.exited
        procs[victim] = await startWorkerProcess(env)
        killed++
      }
    }
    const end = cpu()
    const peak = procs.map((p) => Math.round(p.peakRss() / 1024 ** 2))
    const t = (iso?: string) => Date.parse(iso!) / 1000
    const scoringSeconds = t(status.job.finishedAt) - t(status.job.startedAt)
    const figures: RunFigures = {
      state: status.job.state,
      workers,
      patients: status.job.total,
      stagingSeconds: +(t(status.job.startedAt) - t(status.job.createdAt)).toFixed(1),
      scoringSeconds: +scoringSeconds.toFixed(1),
      scoringRate: Math.round(status.job.total / scoringSeconds),
      perWorkerRate: Math.round(status.job.total / scoringSeconds / workers),
      endToEndRate: Math.round(status.job.total / (t(status.job.finishedAt) - t(status.job.createdAt))),
      peakRssMb: peak,
      cpuSecondsWorkers: +(end.w - (atScoring?.w ?? 0)).toFixed(1),
      machineBusy: +((end.machine.busy - atScoring!.machine.busy) / (end.machine.total - atScoring!.machine.total)).toFixed(2),
      workersShareOfBusy: +((end.w - atScoring!.w) / (end.machine.busy - atScoring!.machine.busy)).toFixed(2),
      cpuSecondsBenchProcess: +((end.me.user + end.me.system - (atScoring?.me.user ?? 0) - (atScoring?.me.system ?? 0)) / 1e6).toFixed(1),
    }
    if (kills === 0) {
      const per = async (table: string) => Math.round((await size(table)) / status.job.total)
      figures.bytesPerPatient = {
        staging: Math.round(stagingBytes / status.job.total),
        riskScores: await per('risk_scores'),
        featureValues: await per('feature_values'),
        auditEvents: await per('audit_events'),
      }
    }
    if (kills > 0) {
      // A killed process's CPU time leaves with it: no CPU figures for this run.
      for (const k of ['cpuSecondsWorkers', 'machineBusy', 'workersShareOfBusy', 'cpuSecondsBenchProcess'] as const) delete figures[k]
      const scores = await deps.store.scores(job.id, { limit: PATIENTS * 2 })
      const distinct = new Set(scores.map((s) => s.patient)).size
      Object.assign(figures, {
        kills: killed,
        lost: status.job.total - distinct,
        duplicated: scores.length - distinct,
        failed: status.progress.failed,
        auditVerified: (await nexora.audit.verify()).ok,
      })
    }
    return figures
  } finally {
    for (const p of procs) p.child.kill('SIGKILL')
    await nexora?.close()
    await fhir.close()
    await pg.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function populationBench() {
  const one = await run(1)
  const two = await run(2)
  const killed = await run(2, 3)
  return {
    patients: PATIENTS,
    shardSize: SHARD,
    resourcesPerPatient: 16.8,
    oneWorker: one,
    twoWorkers: two,
    twoVsOne: +(two.scoringRate / one.scoringRate).toFixed(2),
    killNine: killed,
  }
}
