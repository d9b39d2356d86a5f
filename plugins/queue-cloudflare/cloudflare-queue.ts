import {
  JOB_DEFAULTS,
  NexoraError,
  type Job,
  type JobInfo,
  type JobOptions,
  type JobQueue,
  type JobWorker,
  type JobWorkOptions,
  type Logger,
} from '../../core/index.ts'
import type { D1Database, MessageBatch, QueueProducer } from './cloudflare-types.ts'
import { consumeBatch, MAX_DELAY_SECONDS, type ConsumeReport } from './consumer.ts'
import { jobStore, toInfo } from './job-store.ts'
import { workerRegistry } from './workers.ts'

export interface CloudflareJobQueueOptions {
  /** The D1 binding that keeps the jobs (`queue_jobs`), e.g. `env.DB`. */
  db: D1Database
  /** The producer binding every job queue sends to, e.g. `env.JOBS`; one Cloudflare queue carries many job queues. */
  queue?: QueueProducer
  /** A producer per job queue, where some need a Cloudflare queue (and consumer settings) of their own. */
  queues?: Record<string, QueueProducer>
  /** The consumer's `max_retries` in wrangler.jsonc. Default 3 (Cloudflare's default). */
  maxRetries?: number
  /** How long a message waits when no worker in this isolate serves its queue. Default 5,000 ms (Cloudflare delays are whole seconds). */
  idleDelayMs?: number
  /** Where a dropped message or a failed batch step is reported (codes and counts only). */
  logger?: Logger
  now?: () => number
}

/** The JobQueue on Cloudflare, plus the hook the Worker's `queue()` export calls. */
export interface CloudflareJobQueue extends JobQueue {
  /** Run a consumer batch on the handlers `work()` registered in this isolate. */
  consume(batch: MessageBatch): Promise<ConsumeReport>
}

/**
 * The JobQueue on Cloudflare Queues and D1: a job is a D1 row, its message carries only its id,
 * and the Worker's `queue()` export runs it (`consume`). Cloudflare delivers at least once and
 * redelivers what a dead consumer never acked; D1 keeps the state, the keys and the dead letters.
 * @example
 * const jobs = cloudflareJobQueue({ db: env.DB, queue: env.JOBS })
 * await jobs.work('population-shards', async (job) => scoreShard(job.data))
 * export default { queue: (batch, env) => jobs.consume(batch) }
 */
export function cloudflareJobQueue(options: CloudflareJobQueueOptions): CloudflareJobQueue {
  const store = jobStore(options.db)
  const workers = workerRegistry()
  const now = options.now ?? Date.now
  const producer = (queue: string) => {
    const p = options.queues?.[queue] ?? options.queue
    if (!p) throw new NexoraError('plugin.invalid', { detail: `no Cloudflare queue binding for job queue "${queue}"` })
    return p
  }

  return {
    async send(queue, data, sendOptions: JobOptions = {}) {
      const { key, startAfterMs, ...rest } = { ...JOB_DEFAULTS, ...sendOptions }
      const id = crypto.randomUUID()
      const at = now()
      const row = { id, queue, key: key ?? null, data: JSON.stringify(data ?? null), options: JSON.stringify(rest), due_at: at + startAfterMs, created_at: at }
      if (!(await store.insert(row))) {
        const first = key === undefined ? undefined : await store.idForKey(queue, key)
        if (first) return first
        throw new NexoraError('storage.unavailable', { detail: 'a job key was taken and then vanished' })
      }
      try {
        // Seconds, rounded up: never early. A longer wait than Cloudflare allows is made of hops (see consume).
        await producer(queue).send({ id }, { delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(startAfterMs / 1000)) })
      } catch (error) {
        // No message, so nothing would ever run it: take the row back, and the caller may send again.
        await store.remove(id)
        throw error
      }
      return id
    },

    async work<T>(queue: string, handler: (job: Job<T>) => Promise<unknown>, workOptions: JobWorkOptions = {}): Promise<JobWorker> {
      producer(queue)
      return workers.add(queue, handler as (job: Job<unknown>) => Promise<unknown>, workOptions.concurrency)
    },

    async get<T>(queue: string, id: string) {
      const row = await store.find(id)
      return row?.queue === queue ? toInfo<T>(row) : undefined
    },

    counts: (queue) => store.counts(queue),

    async failed<T>(queue: string, limit = 100) {
      return (await store.failed(queue, limit)).map((row) => toInfo<T>(row)) as JobInfo<T>[]
    },

    consume: (batch) =>
      consumeBatch(batch, {
        store,
        workers,
        producer,
        now,
        maxRetries: options.maxRetries ?? 3,
        idleDelayMs: options.idleDelayMs ?? 5000,
        logger: options.logger,
      }),

    close: () => workers.stopAll(),
  }
}
