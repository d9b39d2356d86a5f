import { describe, expect, it } from 'vitest'
import { NexoraError, type ModelManifest, type ModelStore } from '../core/index.ts'

const manifest = (version: string, name = 'risk'): ModelManifest => ({
  name,
  version,
  kind: 'linear',
  inputs: [{ name: 'age', type: 'number' }],
  outputs: [{ name: 'p', type: 'probability' }],
})
const bytes = (s: string) => new TextEncoder().encode(s)

/** The ModelStore contract, run against every implementation (memory, libSQL, PostgreSQL, ...). */
export function modelStoreConformance(label: string, open: () => Promise<{ store: ModelStore; close(): Promise<void> }>) {
  describe(`ModelStore conformance: ${label}`, () => {
    it('round-trips a manifest and its artifact bytes exactly', async () => {
      const { store, close } = await open()
      const blob = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256)
      await store.putVersion(manifest('1.0.0'), { 'model.json': bytes('{"w":[1,2]}'), 'weights.bin': blob }, '2026-01-01T00:00:00.000Z')
      const stored = await store.getVersion('risk', '1.0.0')
      expect(stored).toMatchObject({ name: 'risk', version: '1.0.0', stage: 'none', createdAt: '2026-01-01T00:00:00.000Z' })
      expect(stored!.manifest).toEqual(manifest('1.0.0'))
      const files = await store.getFiles('risk', '1.0.0')
      expect(new TextDecoder().decode(files!['model.json'])).toBe('{"w":[1,2]}')
      expect(Array.from(files!['weights.bin']!)).toEqual(Array.from(blob))
      await close()
    })

    it('refuses to overwrite a version, and leaves the first one intact', async () => {
      const { store, close } = await open()
      await store.putVersion(manifest('1.0.0'), { a: bytes('first') }, 't')
      const second = store.putVersion({ ...manifest('1.0.0'), description: 'changed' }, { a: bytes('second') }, 't')
      await expect(second).rejects.toMatchObject({ code: 'model.version_exists' })
      await expect(second).rejects.toBeInstanceOf(NexoraError)
      expect(new TextDecoder().decode((await store.getFiles('risk', '1.0.0'))!.a)).toBe('first')
      expect((await store.getVersion('risk', '1.0.0'))!.manifest.description).toBeUndefined()
      await close()
    })

    it('lists models and versions, and answers undefined for unknown ones', async () => {
      const { store, close } = await open()
      await store.putVersion(manifest('1.0.0', 'b-model'), {}, 't')
      await store.putVersion(manifest('1.0.0', 'a-model'), {}, 't')
      await store.putVersion(manifest('1.1.0', 'a-model'), {}, 't')
      expect(await store.listModels()).toEqual(['a-model', 'b-model'])
      expect((await store.listVersions('a-model')).map((v) => v.version).sort()).toEqual(['1.0.0', '1.1.0'])
      expect(await store.listVersions('nope')).toEqual([])
      expect(await store.getVersion('a-model', '9.9.9')).toBeUndefined()
      expect(await store.getFiles('a-model', '9.9.9')).toBeUndefined()
      await close()
    })

    it('sets, moves and removes aliases, and records stages', async () => {
      const { store, close } = await open()
      await store.putVersion(manifest('1.0.0'), {}, 't')
      await store.putVersion(manifest('2.0.0'), {}, 't')
      await store.setAlias('risk', 'production', '1.0.0')
      await store.setAlias('risk', 'staging', '2.0.0')
      await store.setAlias('risk', 'production', '2.0.0')
      expect(await store.getAliases('risk')).toEqual({ production: '2.0.0', staging: '2.0.0' })
      await store.setAlias('risk', 'staging', null)
      expect(await store.getAliases('risk')).toEqual({ production: '2.0.0' })
      await store.setStage('risk', '1.0.0', 'archived')
      expect((await store.getVersion('risk', '1.0.0'))!.stage).toBe('archived')
      await expect(store.setStage('risk', '3.0.0', 'production')).rejects.toMatchObject({ code: 'model.version_not_found' })
      await close()
    })

    it('keeps a lifecycle document by compare-and-set: a writer holding an old revision loses', async () => {
      const { store, close } = await open()
      if (!store.getLifecycle || !store.putLifecycle) {
        // A store without a lifecycle says so by having neither method (governance answers model.lifecycle_unsupported).
        expect([store.getLifecycle, store.putLifecycle]).toEqual([undefined, undefined])
        return close()
      }
      expect(await store.getLifecycle('risk')).toEqual({ state: { shadows: [], approvals: [] }, revision: 0 })
      const first = { shadows: ['2.0.0'], approvals: [{ version: '2.0.0', by: 'reviewer', reason: 'ok', at: 't1' }] }
      expect(await store.putLifecycle('risk', first, 0, 't1')).toBe(true)
      // Two writers read revision 1; the first wins, the second is told so and nothing of it lands.
      const canary = { version: '2.0.0', champion: '1.0.0', steps: [5, 20], step: 0, stepStartedAt: 't2', rollbackOn: ['auroc-low'], startedBy: 'ds' }
      expect(await store.putLifecycle('risk', { ...first, canary }, 1, 't2')).toBe(true)
      expect(await store.putLifecycle('risk', { ...first, shadows: [] }, 1, 't2')).toBe(false)
      // A second first write (revision 0) loses too: the document exists.
      expect(await store.putLifecycle('risk', { shadows: [], approvals: [] }, 0, 't3')).toBe(false)
      expect(await store.getLifecycle('risk')).toEqual({ state: { ...first, canary }, revision: 2 })
      expect((await store.getLifecycle('other')).revision).toBe(0)
      await close()
    })
  })
}
