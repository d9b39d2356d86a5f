import { describe, expect, it } from 'vitest'
import { jobErrorCode, memoryJobQueue } from '../../core/index.ts'
import { jobQueueConformance } from '../../testing/index.ts'

jobQueueConformance('in-process', async () => ({ queue: memoryJobQueue(), close: async () => {} }))

describe('the in-process queue on its own clock', () => {
  it('holds a retry until its back-off has passed on the clock it was given, then runs it', async () => {
    let now = 1_000_000
    const queue = memoryJobQueue({ now: () => now, pollIntervalMs: 10 })
    const id = await queue.send('q', { shard: 1 }, { retryDelayMs: 60_000, retryLimit: 1 })
    const attempts: number[] = []
    const worker = await queue.work('q', async (job) => {
      attempts.push(job.attempt)
      if (job.attempt === 1) throw Object.assign(new Error('no'), { code: 'fhir.unavailable' })
    })
    for (let i = 0; i < 100 && (await queue.get('q', id))?.state !== 'retry'; i++) await new Promise((r) => setTimeout(r, 10))
    expect(await queue.get('q', id)).toMatchObject({ state: 'retry', attempts: 1, error: { code: 'fhir.unavailable' } })
    await new Promise((r) => setTimeout(r, 100)) // several polls: the clock has not moved, so nothing runs
    expect(attempts).toEqual([1])
    now += 60_000
    for (let i = 0; i < 100 && (await queue.get('q', id))?.state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10))
    await worker.stop()
    expect(attempts).toEqual([1, 2])
    expect(await queue.get('q', id)).toMatchObject({ state: 'completed', attempts: 2 })
  })
})

describe('the code a failed attempt keeps', () => {
  it("keeps a coded error's code, a database's SQLSTATE as sqlstate.*, and nothing of anything else", () => {
    expect(jobErrorCode(Object.assign(new Error('Jane Doe'), { code: 'fhir.unavailable' }))).toBe('fhir.unavailable')
    expect(jobErrorCode(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('sqlstate.40P01')
    expect(jobErrorCode(Object.assign(new Error('x'), { code: 'Jane Doe, MRN 123' }))).toBe('job.handler_failed')
    expect(jobErrorCode(new TypeError('terminated'))).toBe('job.handler_failed')
  })
})
