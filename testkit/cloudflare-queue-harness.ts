/**
 * The Node side of the Cloudflare Queues conformance run: bundles testkit/cloudflare-queue-worker.ts,
 * starts it in Miniflare with a D1 database and one queue it both produces to and consumes (small
 * batches, a one-second batch timeout, so tests are quick), and hands out a JobQueue proxy whose
 * calls go to the Worker's routes. The handlers given to `work()` stay in Node: the Worker reaches
 * them through the NODE service binding, which Miniflare runs as a Node function.
 */
import { fileURLToPath } from 'node:url'
import { jobErrorCode, type Job, type JobInfo, type JobQueue, type JobState, type JobWorker } from '../core/index.ts'
import type { Request as MiniflareRequest } from 'miniflare'
import type { ConsumeReport } from '../plugins/queue-cloudflare/index.ts'
import { bundleForWorkers, COMPATIBILITY_DATE, loadMiniflare } from './workerd.ts'

/** The consumer's `max_retries`: low, so the re-send of a message that waited too often is exercised too. */
export const MAX_RETRIES = 3

export interface CloudflareQueueRig {
  /** The JobQueue, as the suite sees it: each call crosses into the Worker. */
  queue: JobQueue
  /** Everything the consumer reported so far, summed over batches. */
  report(): Promise<ConsumeReport>
  /** How many times Cloudflare delivered a message naming job `id` (any of its messages). */
  deliveries(id: string): Promise<number>
  /** Put `message` on the Cloudflare queue as it is, bypassing `send` (a foreign or malformed message). */
  sendRaw(message: unknown): Promise<void>
  close(): Promise<void>
}

/**
 * `entry` (a testkit Worker) in Miniflare with the DB database and the nexora-jobs queue as both
 * its producer (JOBS) and its consumer: batches of up to 10, flushed after a second.
 */
export async function startQueueWorker(entry: string, serviceBindings: Record<string, (request: MiniflareRequest) => Promise<unknown>> = {}) {
  const { code } = await bundleForWorkers(fileURLToPath(new URL(entry, import.meta.url)))
  const Miniflare = await loadMiniflare()
  const mf = new Miniflare({
    modules: true,
    script: code,
    compatibilityDate: COMPATIBILITY_DATE,
    cf: false,
    d1Databases: { DB: 'jobs-db' },
    queueProducers: { JOBS: { queueName: 'nexora-jobs' } },
    queueConsumers: { 'nexora-jobs': { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: MAX_RETRIES } },
    bindings: { MAX_RETRIES: String(MAX_RETRIES) },
    serviceBindings: serviceBindings as never,
  })
  await mf.ready
  return mf
}

export async function startCloudflareQueue(): Promise<CloudflareQueueRig> {
  const { Response } = await import('miniflare')
  const handlers = new Map<string, (job: Job<unknown>) => Promise<unknown>>()
  const running = new Map<string, Set<Promise<unknown>>>()
  const stopped = new Map<string, Promise<unknown>>()
  // The NODE service binding: Miniflare runs it in Node, so the suite's closures run here.
  const runOnNode = async (request: MiniflareRequest) => {
    const { worker, job } = (await request.json()) as { worker: string; job: Job<unknown> }
    const handler = handlers.get(worker)
    if (!handler) return Response.json({ code: 'test.no_handler' })
    const attempt = handler(job)
    const set = running.get(worker)!
    set.add(attempt)
    const outcome = await attempt.then(
      () => ({}),
      (error: unknown) => ({ code: jobErrorCode(error) }),
    )
    set.delete(attempt)
    // Once stop() was called in Node, an outcome reaches the Worker only after the Worker has unregistered
    // the worker: the slot it frees must not take another job (stop is synchronous in Node, a request away in workerd).
    await stopped.get(worker)
    return Response.json(outcome)
  }
  const mf = await startQueueWorker('./cloudflare-queue-worker.ts', { NODE: runOnNode })
  const call = async <T>(path: string, body: object): Promise<T> => {
    const res = await mf.dispatchFetch(`http://jobs.test${path}`, { method: 'POST', body: JSON.stringify(body) })
    const out = (await res.json()) as T & { error?: string }
    if (res.status !== 200) throw new Error(`${path}: ${out.error}`)
    return out
  }
  let workers = 0

  const queue: JobQueue = {
    send: async (name, data, options) => (await call<{ id: string }>('/send', { queue: name, data, options })).id,
    async work(name, handler, options = {}): Promise<JobWorker> {
      const worker = `w${workers++}`
      handlers.set(worker, handler as (job: Job<unknown>) => Promise<unknown>)
      running.set(worker, new Set())
      await call('/work', { queue: name, worker, concurrency: options.concurrency })
      return {
        async stop() {
          // First the Worker takes no more jobs for it, then its attempts are recorded, then Node's side settles.
          const unregistered = call('/stop', { worker })
          stopped.set(worker, unregistered)
          await unregistered
          await call('/drain', { worker })
          await Promise.allSettled([...running.get(worker)!])
          handlers.delete(worker)
        },
      }
    },
    get: async <T>(name: string, id: string) => (await call<{ info: JobInfo<T> | null }>('/get', { queue: name, id })).info ?? undefined,
    counts: (name) => call<Record<JobState, number>>('/counts', { queue: name }),
    failed: (name, limit) => call('/failed', { queue: name, limit }),
  }
  return {
    queue,
    report: () => call<ConsumeReport>('/report', {}),
    deliveries: async (id) => (await call<{ count: number }>('/deliveries', { id })).count,
    sendRaw: async (message) => void (await call('/raw', { message })),
    close: () => mf.dispose(),
  }
}
