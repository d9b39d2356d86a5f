import { describe, expect, it } from 'vitest'
import { takeFromBucket, type BucketState, type RateLimitStore } from '../core/index.ts'

/** The RateLimitStore contract: the same decisions as the reference token-bucket arithmetic. */
export function rateLimitConformance(label: string, open: () => Promise<{ store: RateLimitStore; close(): Promise<void> }>) {
  describe(`RateLimitStore conformance: ${label}`, () => {
    it('drains, refuses, and refills exactly like takeFromBucket', async () => {
      const { store, close } = await open()
      const rule = { capacity: 3, refillPerSecond: 2 }
      let reference: BucketState | undefined
      const times = [0, 0, 0, 0, 100, 400, 499, 500, 1500, 10_000, 10_000, 10_000, 10_000, 10_050]
      for (const now of times) {
        const expected = takeFromBucket(reference, 1, rule, now)
        reference = expected.state
        expect(await store.take('k', 1, rule, now), `t=${now}`).toEqual(expected.decision)
      }
      await close()
    })

    it('keeps one bucket per key, and refuses a cost above capacity', async () => {
      const { store, close } = await open()
      const rule = { capacity: 2, refillPerSecond: 1 }
      expect((await store.take('a', 2, rule, 0)).allowed).toBe(true)
      expect((await store.take('a', 1, rule, 0)).allowed).toBe(false)
      expect((await store.take('b', 1, rule, 0)).remaining).toBe(1)
      expect((await store.take('c', 5, rule, 0)).allowed).toBe(false)
      await close()
    })

    it('never allows more than capacity under concurrent takes', async () => {
      const { store, close } = await open()
      const decisions = await Promise.all(Array.from({ length: 20 }, () => store.take('burst', 1, { capacity: 7, refillPerSecond: 0.001 }, 1000)))
      expect(decisions.filter((d) => d.allowed)).toHaveLength(7)
      await close()
    })
  })
}
