/**
 * The JobQueue on Cloudflare Queues, with each job's state in D1: population shards and
 * re-scores at the edge. A job is a `queue_jobs` row; its message carries the id alone; the
 * Worker's `queue()` export (adapters/cloudflare.ts) hands each batch to `consume`, which runs
 * the handlers registered with `work()` in that isolate. No engine to load: the bindings are
 * the Worker's own.
 * @example
 * // worker.ts (adapters/cloudflare.ts runs its queue() batches through the plugin)
 * export default createWorker({
 *   plugins: (env) => [cloudflareJobs({ db: env.DB as D1Database, queue: env.JOBS as QueueProducer })],
 *   onStart: (nexora) => nexora.ports.get('jobQueue').work('population-shards', scoreShard),
 * })
 */
import { definePlugin } from '../../core/index.ts'
import { cloudflareJobQueue, type CloudflareJobQueueOptions } from './cloudflare-queue.ts'

/** `cloudflareJobQueue`'s options; the logger and the clock come from Nexora's ports. */
export interface CloudflareJobsOptions extends Omit<CloudflareJobQueueOptions, 'logger' | 'now'> {
  priority?: number
}

/** The `jobQueue` port on Cloudflare Queues and D1, for a Worker's plugin list. */
export function cloudflareJobs(options: CloudflareJobsOptions) {
  return definePlugin({
    name: 'cloudflare-job-queue',
    provides: 'jobQueue',
    requires: ['logger', 'clock'],
    priority: options.priority ?? 0,
    setup: (ctx) => {
      const clock = ctx.get('clock')
      return cloudflareJobQueue({ ...options, logger: ctx.get('logger'), now: () => clock.now() })
    },
  })
}

export { cloudflareJobQueue, type CloudflareJobQueue, type CloudflareJobQueueOptions } from './cloudflare-queue.ts'
export { MAX_DELAY_SECONDS, type ConsumeReport } from './consumer.ts'
export { QUEUE_JOBS_SCHEMA } from './schema.ts'
export type { D1Database, D1PreparedStatement, MessageBatch, QueueMessage, QueueProducer } from './cloudflare-types.ts'
