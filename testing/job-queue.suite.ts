import { describe, expect, it } from 'vitest'
import type { Job, JobQueue } from '../core/index.ts'

export interface JobQueueHarness {
  queue: JobQueue
  /** A second handle on the same queue, as another process would have (pg-boss: another connection); default the same. */
  other?: JobQueue
  close(): Promise<void>
}

/** Resolve when `check` holds, looking every 20 ms; fail after `ms` (generous: a loaded machine is slow, never a timing assertion). */
async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000) {
  for (const deadline = Date.now() + ms; !(await check()); ) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

const fast = { retryDelayMs: 100, retryBackoff: true }

/**
 * The JobQueue contract, run against the in-process queue, pg-boss on a real PostgreSQL and
 * Cloudflare Queues in Miniflare: at-least-once delivery, retries with back-off, the dead-letter
 * state, progress, idempotent enqueue and completion. Queue names are fresh per test.
 */
export function jobQueueConformance(label: string, open: () => Promise<JobQueueHarness>, options: { pollIntervalMs?: number } = {}) {
  const poll = { pollIntervalMs: options.pollIntervalMs ?? 50 }
  let n = 0
  const fresh = () => `conformance-${Date.now().toString(36)}-${n++}`

  describe(`JobQueue conformance: ${label}`, () => {
    it('delivers every job to a handler once when it succeeds, with its data, and reports it completed', async () => {
      const { queue, close } = await open()
      const name = fresh()
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => queue.send(name, { shard: i, rows: [`p-${i}`] })))
      expect(new Set(ids).size).toBe(12)
      const seen: Job<{ shard: number }>[] = []
      const worker = await queue.work<{ shard: number; rows: string[] }>(name, async (job) => void seen.push(job), { ...poll, concurrency: 3 })
      await eventually(async () => (await queue.counts(name)).completed === 12)
      await worker.stop()
      expect(seen.map((j) => j.data.shard).sort((a, b) => a - b)).toEqual([...Array(12).keys()])
      expect(seen.every((j) => j.attempt === 1 && j.queue === name)).toBe(true)
      expect(await queue.get(name, ids[0]!)).toMatchObject({ id: ids[0], state: 'completed', attempts: 1, data: { shard: 0 } })
      expect(await queue.counts(name)).toEqual({ created: 0, retry: 0, active: 0, completed: 12, failed: 0 })
      await close()
    })

    it('retries a failing job with growing waits, then completes it', async () => {
      const { queue, close } = await open()
      const name = fresh()
      const at: number[] = []
      const id = await queue.send(name, { x: 1 }, { ...fast, retryLimit: 3 })
      const worker = await queue.work(
        name,
        async (job) => {
          at.push(Date.now())
          if (job.attempt < 3) throw Object.assign(new Error('FHIR server said no for Patient/123'), { code: 'fhir.unavailable' })
        },
        poll,
      )
      await eventually(async () => (await queue.get(name, id))?.state === 'completed')
      await worker.stop()
      expect(at).toHaveLength(3)
      // Lower bounds only: back-off 100 ms, then 200 ms (a loaded machine may wait longer, never shorter).
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(90)
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(180)
      expect(await queue.get(name, id)).toMatchObject({ state: 'completed', attempts: 3 })
      await close()
    })

    it('moves a job whose attempts are spent to the dead-letter state, with the error code and never its message', async () => {
      const { queue, close } = await open()
      const name = fresh()
      const id = await queue.send(name, { shard: 7 }, { ...fast, retryLimit: 1 })
      const ok = await queue.send(name, { shard: 8 }, { ...fast, retryLimit: 1 })
      let calls = 0
      const worker = await queue.work<{ shard: number }>(
        name,
        async (job) => {
          if (job.data.shard === 8) return
          calls++
          throw new Error('Jane Doe, MRN 12345, could not be read')
        },
        poll,
      )
      await eventually(async () => (await queue.get(name, id))?.state === 'failed' && (await queue.get(name, ok))?.state === 'completed')
      await worker.stop()
      expect(calls).toBe(2)
      const failed = await queue.failed(name)
      expect(failed.map((j) => j.id)).toEqual([id])
      expect(failed[0]).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'job.handler_failed' }, data: { shard: 7 } })
      expect(JSON.stringify(failed)).not.toContain('Jane')
      expect(await queue.counts(name)).toMatchObject({ completed: 1, failed: 1, created: 0, retry: 0, active: 0 })
      await close()
    })

    it('redelivers a job whose attempt outlived its expiry (a dead worker), and a late result changes nothing', async () => {
      const { queue, other, close } = await open()
      const name = fresh()
      const id = await queue.send(name, { shard: 1 }, { ...fast, expireInMs: 1500, retryLimit: 3 })
      let release: () => void = () => {}
      const stuck = new Promise<void>((r) => {
        release = r
      })
      const deliveries: string[] = []
      // The first delivery never answers, as if its worker had died; later ones (to either worker) succeed.
      const first = await queue.work(
        name,
        async (job) => {
          deliveries.push(`first#${job.attempt}`)
          if (job.attempt === 1) await stuck
        },
        poll,
      )
      await eventually(async () => (await queue.get(name, id))?.state === 'active')
      const second = await (other ?? queue).work(name, async (job) => void deliveries.push(`second#${job.attempt}`), poll)
      await eventually(async () => (await queue.get(name, id))?.state === 'completed')
      const done = await queue.get(name, id)
      release() // the first attempt finishes late
      await first.stop()
      await second.stop()
      expect(deliveries[0]).toBe('first#1')
      expect(done!.attempts).toBeGreaterThanOrEqual(2)
      expect(deliveries).toHaveLength(done!.attempts)
      expect(await queue.get(name, id)).toEqual(done)
      await close()
    })

    it('enqueues a key once: sending it again answers the first job id and runs nothing more', async () => {
      const { queue, close } = await open()
      const name = fresh()
      const a = await queue.send(name, { shard: 3 }, { key: 'job-42/shard-3' })
      const b = await queue.send(name, { shard: 3 }, { key: 'job-42/shard-3' })
      const c = await queue.send(name, { shard: 4 }, { key: 'job-42/shard-4' })
      expect(b).toBe(a)
      expect(c).not.toBe(a)
      let runs = 0
      const worker = await queue.work(name, async () => void runs++, poll)
      await eventually(async () => (await queue.counts(name)).completed === 2)
      // After completion too: a re-run of the same job does not enqueue the shard again.
      expect(await queue.send(name, { shard: 3 }, { key: 'job-42/shard-3' })).toBe(a)
      await new Promise((r) => setTimeout(r, 300))
      await worker.stop()
      expect(runs).toBe(2)
      expect((await queue.counts(name)).completed).toBe(2)
      await close()
    })

    it('holds a job sent with startAfterMs until its delay has passed', async () => {
      const { queue, close } = await open()
      const name = fresh()
      const sentAt = Date.now()
      let ranAt = 0
      const worker = await queue.work(name, async () => void (ranAt = Date.now()), poll)
      await queue.send(name, { patient: 'p-1' }, { startAfterMs: 1500 })
      await eventually(async () => (await queue.counts(name)).completed === 1)
      await worker.stop()
      // Never early (a lower bound only: how late it runs depends on the machine).
      expect(ranAt - sentAt).toBeGreaterThanOrEqual(1000)
      await close()
    })

    it('shows progress while jobs run, and a stopped worker takes no more jobs', async () => {
      const { queue, close } = await open()
      const name = fresh()
      for (let i = 0; i < 4; i++) await queue.send(name, { i })
      let release: () => void = () => {}
      const gate = new Promise<void>((r) => {
        release = r
      })
      let started = 0
      const worker = await queue.work(
        name,
        async () => {
          started++
          await gate
        },
        { ...poll, concurrency: 2 },
      )
      await eventually(async () => (await queue.counts(name)).active === 2)
      expect(await queue.counts(name)).toMatchObject({ active: 2, created: 2, completed: 0 })
      const stopping = worker.stop()
      release()
      await stopping
      expect(started).toBe(2)
      expect(await queue.counts(name)).toMatchObject({ completed: 2, created: 2 })
      expect(await queue.get(name, 'no-such-job')).toBeUndefined()
      await close()
    })
  })
}
