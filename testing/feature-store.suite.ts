import { describe, expect, it } from 'vitest'
import type { FeatureStore } from '../core/index.ts'

/** The FeatureStore contract: point-in-time reads of every write, the same in memory, libSQL, PostgreSQL and D1. */
export function featureStoreConformance(label: string, open: () => Promise<{ store: FeatureStore; close(): Promise<void> }>) {
  describe(`FeatureStore conformance: ${label}`, () => {
    it('reads each name at its latest write at or before asOf, keeping every type', async () => {
      const { store, close } = await open()
      await store.put('p1', { egfr: 48, sex: 'F', on_anticoagulant: true, hba1c: null }, 1_000)
      await store.put('p1', { egfr: 52 }, 2_000)
      await store.put('p1', { egfr: 61, hba1c: 8.1 }, 3_000)
      expect(await store.get('p1', ['egfr', 'sex', 'on_anticoagulant', 'hba1c'])).toEqual({ egfr: 61, sex: 'F', on_anticoagulant: true, hba1c: 8.1 })
      expect(await store.get('p1', ['egfr', 'hba1c'], 2_500)).toEqual({ egfr: 52, hba1c: null })
      expect(await store.get('p1', ['egfr'], 2_000)).toEqual({ egfr: 52 })
      expect(await store.get('p1', ['egfr'], 999)).toEqual({})
      await close()
    })

    it('keeps entities apart, leaves unknown names out, and lets a second write at the same time replace the first', async () => {
      const { store, close } = await open()
      await store.put('a', { age: 71 }, 10)
      await store.put('b', { age: 34 }, 10)
      await store.put('a', { age: 72 }, 10)
      expect(await store.get('a', ['age', 'never-written'])).toEqual({ age: 72 })
      expect(await store.get('b', ['age'])).toEqual({ age: 34 })
      expect(await store.get('nobody', ['age'])).toEqual({})
      await store.put('a', {}, 20)
      expect(await store.get('a', [])).toEqual({})
      await close()
    })

    it('writes and reads a wide row (more names than one statement takes on D1)', async () => {
      const { store, close } = await open()
      const wide = Object.fromEntries(Array.from({ length: 180 }, (_, i) => [`f${i}`, i % 3 === 0 ? `v${i}` : i]))
      await store.put('wide', wide, 5)
      expect(await store.get('wide', Object.keys(wide))).toEqual(wide)
      await close()
    })
  })
}
