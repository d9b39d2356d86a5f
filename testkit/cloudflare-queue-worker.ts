/**
 * A test Worker: the Cloudflare Queues job queue (plugins/queue-cloudflare) on the JOBS queue and
 * the DB database, inside workerd, driven by testkit/cloudflare-queue-harness.ts. The routes stand
 * in for the port's methods; a handler registered through `/work` calls back to Node through the
 * NODE service binding, where the conformance suite's closures run. The queue instance lives as
 * long as the isolate, as in a real Worker.
 */
import type { JobOptions, JobWorker } from '../core/index.ts'
import {
  cloudflareJobQueue,
  type CloudflareJobQueue,
  type ConsumeReport,
  type D1Database,
  type MessageBatch,
  type QueueProducer,
} from '../plugins/queue-cloudflare/index.ts'

interface Env {
  DB: D1Database
  JOBS: QueueProducer
  NODE: { fetch(url: string, init: RequestInit): Promise<Response> }
  MAX_RETRIES: string
}
/** A route's JSON body: the port method's arguments by name. */
interface Body {
  queue: string
  id: string
  worker: string
  data: unknown
  options?: JobOptions
  limit?: number
  concurrency?: number
  message: unknown
}

let jobs: CloudflareJobQueue | undefined
const workers = new Map<string, JobWorker>()
/** Deliveries of any message naming a job, by job id: a re-sent message starts its own `attempts` at 1 again. */
const deliveries = new Map<string, number>()
const total: ConsumeReport = { completed: 0, retried: 0, failed: 0, deferred: 0, duplicates: 0, dropped: 0, errors: 0 }
// A short wait when no worker serves a queue: the suite sends most jobs before it starts a worker.
const open = (env: Env) => (jobs ??= cloudflareJobQueue({ db: env.DB, queue: env.JOBS, maxRetries: Number(env.MAX_RETRIES), idleDelayMs: 1000 }))

/** Run the job on the Node handler registered as `worker`; it answers the failure's code, never its message. */
async function callNode(env: Env, worker: string, job: unknown) {
  const res = await env.NODE.fetch('http://node/run', { method: 'POST', body: JSON.stringify({ worker, job }) })
  const { code } = (await res.json()) as { code?: string }
  if (code) throw Object.assign(new Error(code), { code })
}

async function route(path: string, b: Body, env: Env): Promise<unknown> {
  const q = open(env)
  switch (path) {
    case '/send':
      return { id: await q.send(b.queue, b.data, b.options) }
    case '/get':
      return { info: (await q.get(b.queue, b.id)) ?? null }
    case '/counts':
      return q.counts(b.queue)
    case '/failed':
      return q.failed(b.queue, b.limit)
    case '/work':
      workers.set(b.worker, await q.work(b.queue, (job) => callNode(env, b.worker, job), { concurrency: b.concurrency }))
      return {}
    case '/stop':
      // stop() unregisters the worker before its first await, so this answer means "takes no more jobs". Its promise
      // is not kept: workerd cancels what a finished request left pending, so `/drain` waits through a call of its own.
      void workers.get(b.worker)?.stop()
      return {}
    case '/drain':
      await workers.get(b.worker)?.stop()
      workers.delete(b.worker)
      return {}
    case '/raw':
      // A message that is not the queue's own (malformed, or naming no job), straight onto the Cloudflare queue.
      await env.JOBS.send(b.message)
      return {}
    case '/report':
      return total
    case '/deliveries':
      return { count: deliveries.get(b.id) ?? 0 }
    default:
      throw new Error(`no route ${path}`)
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return Response.json(await route(new URL(request.url).pathname, (await request.json()) as Body, env))
    } catch (error) {
      return Response.json({ error: String((error as { code?: string }).code ?? (error as Error).message) }, { status: 500 })
    }
  },
  async queue(batch: MessageBatch, env: Env): Promise<void> {
    for (const m of batch.messages) {
      const id = String((m.body as { id?: unknown } | null)?.id)
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1)
    }
    const report = await open(env).consume(batch)
    for (const kind of Object.keys(total) as (keyof ConsumeReport)[]) total[kind] += report[kind]
  },
}
