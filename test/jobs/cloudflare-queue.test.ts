/**
 * The JobQueue contract on Cloudflare Queues with D1, the queue code running inside workerd
 * (Miniflare): a real producer binding, a real consumer with batches and retries, and the job rows
 * in D1. The suite's handlers run in Node, reached from the Worker through a service binding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobQueueConformance } from '../../testing/index.ts'
import { MAX_RETRIES, startCloudflareQueue, startQueueWorker, type CloudflareQueueRig } from '../../testkit/cloudflare-queue-harness.ts'

let rig: CloudflareQueueRig
beforeAll(async () => {
  rig = await startCloudflareQueue()
}, 60_000)
afterAll(() => rig?.close())

// One Worker for every case: the suite's queue names are fresh per test, as job queues sharing one Cloudflare queue are.
jobQueueConformance('Cloudflare Queues (Miniflare)', async () => ({ queue: rig.queue, close: async () => {} }))

describe('the Cloudflare consumer', () => {
  it('acks and counts a malformed message, or one naming no job, and goes on with the rest of the queue', async () => {
    const before = await rig.report()
    for (const message of ['not a job', { id: 42 }, { id: 'no-such-job' }, null]) await rig.sendRaw(message)
    const id = await rig.queue.send('malformed-neighbours', { shard: 1 })
    const worker = await rig.queue.work('malformed-neighbours', async () => {})
    for (let i = 0; i < 1500 && (await rig.queue.get('malformed-neighbours', id))?.state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 20))
    await worker.stop()
    expect(await rig.queue.get('malformed-neighbours', id)).toMatchObject({ state: 'completed', attempts: 1 })
    // Acked, not retried: after another batch timeout the count has not grown, and nothing failed.
    await new Promise((r) => setTimeout(r, 1500))
    const after = await rig.report()
    expect(after.dropped - before.dropped).toBe(4)
    expect(after.errors).toBe(before.errors)
  })

  it("keeps a job that waits longer than the consumer's max_retries allows: the message is sent anew, never dropped", async () => {
    const id = await rig.queue.send('no-worker-yet', { shard: 2 })
    // No worker serves the queue: each delivery puts the message back. Past max_retries + 1 deliveries, Cloudflare
    // would have dropped the first message (this consumer has no dead-letter queue).
    for (let i = 0; i < 1500 && (await rig.deliveries(id)) <= MAX_RETRIES + 1; i++) await new Promise((r) => setTimeout(r, 20))
    expect(await rig.deliveries(id)).toBeGreaterThan(MAX_RETRIES + 1)
    expect(await rig.queue.get('no-worker-yet', id)).toMatchObject({ state: 'created', attempts: 0 })
    const worker = await rig.queue.work('no-worker-yet', async () => {})
    for (let i = 0; i < 1500 && (await rig.queue.get('no-worker-yet', id))?.state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 20))
    await worker.stop()
    expect(await rig.queue.get('no-worker-yet', id)).toMatchObject({ state: 'completed', attempts: 1 })
  })
})

describe("the Worker adapter's queue() export", () => {
  it('starts Nexora on the first batch and runs each job on the handler onStart registered, through the cloudflareJobs plugin', async () => {
    const mf = await startQueueWorker('./cloudflare-queue-adapter-worker.ts')
    try {
      const call = async (path: string, body: object) =>
        (await (await mf.dispatchFetch(`http://worker.test${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as Record<string, unknown>
      const ok = (await call('/send', { data: { ok: true } })).id
      const refused = (await call('/send', { data: { ok: false } })).id
      const settled = async () => (await Promise.all([ok, refused].map((id) => call('/get', { id })))).map((info) => info?.state)
      for (let i = 0; i < 1500 && (await settled()).some((s) => s !== 'completed' && s !== 'failed'); i++) await new Promise((r) => setTimeout(r, 20))
      expect(await call('/get', { id: ok })).toMatchObject({ state: 'completed', attempts: 1 })
      expect(await call('/get', { id: refused })).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'test.refused' } })
    } finally {
      await mf.dispose()
    }
  })
})
