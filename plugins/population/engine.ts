import {
  type AuditLogger,
  type Caller,
  type Clock,
  type FeatureStore,
  type FhirResource,
  type FhirSource,
  type JobQueue,
  type ModelRegistry,
  NexoraError,
  type PopulationJob,
  type PopulationSource,
  type PopulationStore,
  type PredictionRequest,
  type PredictionResult,
  SCOPES,
  toNexoraError,
} from '../../core/index.ts'
import type { BulkExport, BulkExportRequest } from '../fhir/index.ts'
import './errors.ts'
import { stageExport } from './staging.ts'

export const PLAN_QUEUE = 'population-plan'
export const SHARD_QUEUE = 'population-shard'
export const SPLIT_QUEUE = 'population-split'
export const DEFAULT_SHARD_SIZE = 250
/** Attempts after the first, for a plan or a shard: a shard whose attempts are spent marks its patients failed. */
export const SHARD_RETRIES = 2

export interface PlanData {
  job: string
}
export interface ShardData {
  job: string
  shard: number
  from: string
  to: string
}

/** A FHIR source that can run a Bulk Data export (the FHIR client of plugins/fhir can). */
export type ExportingSource = FhirSource & {
  bulkExport?(request: BulkExportRequest): Promise<BulkExport>
  /** Attach to an export by its status URL: lets every worker stage one of its files. */
  bulkExportAt?(statusUrl: string): Promise<BulkExport>
  transaction?(bundle: FhirResource): Promise<FhirResource>
}

/** What population jobs stand on: the ports, and the one pipeline in-process. */
export interface PopulationDeps {
  store: PopulationStore
  queue: JobQueue
  registry: ModelRegistry
  audit: AuditLogger
  clock: Clock
  /** `nexora.predict`: the one pipeline, with its audit events. */
  predict(request: PredictionRequest, caller: Caller): Promise<PredictionResult>
  fhir?: ExportingSource
  features?: FeatureStore
  /**
   * How long a shard attempt may run before the queue presumes its worker dead and delivers it
   * again (a kill -9 loses nothing but this wait). Default 5 minutes: far above a shard's seconds.
   */
  shardTimeoutMs?: number
}

export interface CreateJobInput {
  model: string
  version?: string
  alias?: 'production' | 'staging' | 'latest'
  source?: PopulationSource
  /** Default: now. */
  indexTime?: string
  shardSize?: number
  /** Also create each scored patient's RiskAssessment on the FHIR server, a transaction Bundle per shard. */
  writeBack?: boolean
}

/** The caller a job's shards score as: its creator, with the predict scope only. */
export const jobCaller = (job: PopulationJob): Caller => ({ subject: job.createdBy, scopes: [SCOPES.predict], roles: [], via: 'job' })

/**
 * Create a job: resolve the model version now (every shard scores with it, retried or not), record
 * the job, audit it and enqueue its plan (export → staging → shards).
 */
export async function createJob(deps: Omit<PopulationDeps, 'predict'>, input: CreateJobInput, createdBy: string): Promise<PopulationJob> {
  const stored = await deps.registry.resolve(input.model, { version: input.version, alias: input.alias })
  if (!stored.manifest.featureSpec) throw new NexoraError('model.invalid_manifest', { detail: `model "${stored.name}" has no FHIR feature spec` })
  const source = input.source ?? { level: 'system' }
  if (source.level !== 'staged' && !deps.fhir?.bulkExport)
    throw new NexoraError('population.no_export', { detail: 'population jobs read a Bulk Data export: configure a FHIR server (fhirServer)' })
  const now = new Date(deps.clock.now()).toISOString()
  const job: PopulationJob = {
    id: crypto.randomUUID(),
    model: stored.name,
    version: stored.version,
    source,
    indexTime: input.indexTime ? new Date(input.indexTime).toISOString() : now,
    state: 'staging',
    total: 0,
    shards: 0,
    shardSize: input.shardSize ?? DEFAULT_SHARD_SIZE,
    writeBack: input.writeBack ?? false,
    createdBy,
    createdAt: now,
  }
  await deps.store.createJob(job)
  await deps.audit.logDataAccess({
    userId: createdBy,
    action: 'population.create',
    requestId: job.id,
    context: { job: job.id, model: job.model, version: job.version, level: source.level, group: source.group ?? null },
  })
  await enqueuePlan(deps, job.id)
  return job
}

export const enqueuePlan = (deps: Pick<PopulationDeps, 'queue'>, job: string) =>
  deps.queue.send<PlanData>(PLAN_QUEUE, { job }, { key: `${job}/plan`, retryLimit: SHARD_RETRIES, retryDelayMs: 2000, expireInMs: 60 * 60_000 })

/**
 * A job's plan: stage its export by patient (skipped when a previous attempt finished staging),
 * then hand over to the split job, which enqueues the shards. Keys make every step re-runnable:
 * nothing already sent is sent twice.
 */
export async function planJob(deps: PopulationDeps, id: string, attempt = 1): Promise<void> {
  const job = await deps.store.getJob(id)
  if (!job || (job.state !== 'staging' && job.state !== 'scoring')) return
  if (job.state === 'staging' && job.source.level !== 'staged') {
    try {
      if (!deps.fhir?.bulkExport) throw new NexoraError('population.no_export')
      await stageExport(deps, job, attempt)
    } catch (thrown) {
      // The last attempt: the job ends `failed` with the code, rather than staging for ever.
      if (attempt > SHARD_RETRIES) {
        const code = toNexoraError(thrown).code
        await deps.store.updateJob(id, { state: 'failed', error: code, finishedAt: new Date(deps.clock.now()).toISOString() })
        await deps.store.clearStaging(id)
        await deps.audit.logDataAccess({
          userId: job.createdBy,
          action: 'population.failed',
          outcome: 'failure',
          reason: code,
          requestId: id,
          context: { job: id },
        })
      }
      throw thrown
    }
  }
  await deps.queue.send<PlanData>(
    SPLIT_QUEUE,
    { job: id },
    { key: `${id}/split`, retryLimit: SHARD_RETRIES, retryDelayMs: 1000, expireInMs: shardExpiry(deps) },
  )
}

const shardExpiry = (deps: Pick<PopulationDeps, 'shardTimeoutMs'>) => deps.shardTimeoutMs ?? 5 * 60_000

/**
 * Cut the staged patients, in id order, into shards and enqueue them. A job of its own, short and
 * with a shard's expiry, so a worker killed while enqueueing costs a shard timeout, not a plan's
 * (whose wait for a large export may be long). Keys make it re-runnable.
 */
export async function splitJob(deps: PopulationDeps, id: string): Promise<void> {
  const job = await deps.store.getJob(id)
  if (!job || (job.state !== 'staging' && job.state !== 'scoring')) return
  // The shards' bounds first, so the job says `scoring` with its total before any shard can run.
  const shards: ShardData[] = []
  let total = 0
  for (let after: string | null = null; ; ) {
    const patients = await deps.store.stagedPatients(id, after, job.shardSize)
    if (patients.length === 0) break
    shards.push({ job: id, shard: shards.length, from: patients[0]!, to: patients.at(-1)! })
    total += patients.length
    after = patients.at(-1)!
  }
  await deps.store.updateJob(id, { state: 'scoring', total, shards: shards.length, startedAt: job.startedAt ?? new Date(deps.clock.now()).toISOString() })
  for (const data of shards) {
    await deps.queue.send(SHARD_QUEUE, data, { key: `${id}/${data.shard}`, retryLimit: SHARD_RETRIES, retryDelayMs: 1000, expireInMs: shardExpiry(deps) })
  }
  if (total === 0) await finishIfDone(deps, id)
}

/** Mark the job completed once every patient has a result, and drop its staging. Safe to call twice. */
export async function finishIfDone(deps: Pick<PopulationDeps, 'store' | 'audit' | 'clock'>, id: string): Promise<boolean> {
  const job = await deps.store.getJob(id)
  if (!job || job.state !== 'scoring') return job?.state === 'completed'
  const p = await deps.store.progress(id)
  if (p.scored + p.skipped + p.failed < job.total) return false
  await deps.store.updateJob(id, { state: 'completed', finishedAt: new Date(deps.clock.now()).toISOString() })
  await deps.store.clearStaging(id)
  await deps.audit.logDataAccess({ userId: job.createdBy, action: 'population.complete', requestId: id, context: { job: id, ...p } })
  return true
}
