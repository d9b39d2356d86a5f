/**
 * A test Worker for the adapter's `queue()` export: `createWorker` with the cloudflareJobs plugin
 * and a handler registered in `onStart`. `/send` and `/get` use a second queue instance on the same
 * bindings (as another isolate would), so the only way a job runs is queue() → the plugin in Nexora.
 */
import { createWorker, type WorkerEnv } from '../adapters/cloudflare.ts'
import { cloudflareJobQueue, cloudflareJobs, type CloudflareJobQueue, type D1Database, type QueueProducer } from '../plugins/queue-cloudflare/index.ts'

const bindings = (env: WorkerEnv) => ({ db: env.DB as D1Database, queue: env.JOBS as QueueProducer, maxRetries: Number(env.MAX_RETRIES) })
const worker = createWorker({
  allowAnonymous: true,
  plugins: (env) => [cloudflareJobs({ ...bindings(env), idleDelayMs: 1000 })],
  onStart: (nexora) =>
    nexora.ports.get('jobQueue').work<{ ok: boolean }>('adapter-jobs', async (job) => {
      if (!job.data.ok) throw Object.assign(new Error('Jane Doe could not be scored'), { code: 'test.refused' })
    }),
})

let side: CloudflareJobQueue | undefined
export default {
  ...worker,
  async fetch(request: Request, env: WorkerEnv, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const path = new URL(request.url).pathname
    if (path !== '/send' && path !== '/get') return worker.fetch(request, env, ctx)
    side ??= cloudflareJobQueue(bindings(env))
    const body = (await request.json()) as { data: unknown; id: string }
    if (path === '/send') return Response.json({ id: await side.send('adapter-jobs', body.data, { retryLimit: 0 }) })
    return Response.json((await side.get('adapter-jobs', body.id)) ?? null)
  },
}
