import type { JobWorker, Nexora } from '../../core/index.ts'
import {
  enqueuePlan,
  type ExportingSource,
  PLAN_QUEUE,
  planJob,
  type PlanData,
  type PopulationDeps,
  SHARD_QUEUE,
  type ShardData,
  SPLIT_QUEUE,
  splitJob,
} from './engine.ts'
import { runShard } from './shard.ts'
import { type StageData, STAGE_QUEUE, stageFile } from './staging.ts'

/** Population jobs' dependencies, from a Nexora's ports (a job queue and a population store are required). */
export function populationDeps(nexora: Nexora, options: { shardTimeoutMs?: number } = {}): PopulationDeps {
  const { ports } = nexora
  return {
    store: ports.get('populationStore'),
    queue: ports.get('jobQueue'),
    registry: nexora.registry,
    audit: nexora.audit,
    clock: ports.get('clock'),
    predict: (request, caller) => nexora.predict(request, caller),
    fhir: ports.has('fhirSource') ? (ports.get('fhirSource') as ExportingSource) : undefined,
    features: ports.has('featureStore') ? ports.get('featureStore') : undefined,
    shardTimeoutMs: options.shardTimeoutMs,
  }
}

export interface PopulationWorkerOptions {
  /** Shards this process scores at once. Default 1; `nexora worker` uses 2 (jobs.concurrency): a shard waits on the database about half its time. */
  concurrency?: number
  pollIntervalMs?: number
  /** Enqueue the plan of every unfinished job again (by key: nothing runs twice on a durable queue). Default true. */
  resume?: boolean
  /** See PopulationDeps.shardTimeoutMs. */
  shardTimeoutMs?: number
}

/**
 * Work population jobs in this process: plans (export → staging → shards) and shards (score).
 * Any number of processes may run it against the same database and queue (`nexora worker`).
 * With the in-process queue a restart loses the queue, not the work: `resume` enqueues each
 * unfinished job's plan again, which sends the shards again, and a shard skips the patients
 * that already have a result.
 */
export async function startPopulationWorker(nexora: Nexora, options: PopulationWorkerOptions = {}): Promise<JobWorker> {
  const deps = populationDeps(nexora, { shardTimeoutMs: options.shardTimeoutMs })
  const poll = { pollIntervalMs: options.pollIntervalMs }
  if (options.resume ?? true) {
    for (const job of await deps.store.listJobs(1000)) if (job.state === 'staging' || job.state === 'scoring') await enqueuePlan(deps, job.id)
  }
  const workers = [
    await deps.queue.work<PlanData>(PLAN_QUEUE, (job) => planJob(deps, job.data.job, job.attempt), poll),
    await deps.queue.work<PlanData>(SPLIT_QUEUE, (job) => splitJob(deps, job.data.job), poll),
    await deps.queue.work<StageData>(STAGE_QUEUE, (job) => stageFile(deps, job.data), { ...poll, concurrency: options.concurrency ?? 1 }),
    await deps.queue.work<ShardData>(SHARD_QUEUE, (job) => runShard(deps, job.data, job.attempt), { ...poll, concurrency: options.concurrency ?? 1 }),
  ]
  return { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) }
}
