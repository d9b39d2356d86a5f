import { describe, expect, it } from 'vitest'
import { createRegistry, manualClock, memoryModelStore, unservableVersions } from '../../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'

describe('a registered version no loaded plugin serves', () => {
  it('is a server-side 500 model.kind_unavailable that says how to add the plugin, and is listed as unservable', async () => {
    const store = memoryModelStore()
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const counters = { loads: 0, disposed: 0 }
    // Registered on a server that had the plugin...
    await createRegistry({ store, plugins: () => [toyPlugin(counters)], clock }).register(toyManifest('1.0.0'), toyFiles())
    // ...and served by one that does not.
    const registry = createRegistry({ store, plugins: () => [], clock, resolveTtlMs: 0 })
    const error = await registry.load(await registry.resolve('toy')).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'model.kind_unavailable', status: 500 })
    expect((error as Error).message).toContain('toy@1.0.0 is of kind "toy", which no loaded plugin serves')
    expect((error as Error).message).toContain('"plugins" (nexora.config.json) or with --plugin')
    expect(await unservableVersions(registry, [])).toEqual([{ model: 'toy', version: '1.0.0', kind: 'toy' }])
    expect(await unservableVersions(registry, [toyPlugin(counters)])).toEqual([])
    // Naming an unknown kind yourself stays the client's 400.
    await expect(registry.register(toyManifest('2.0.0'), toyFiles())).rejects.toMatchObject({ code: 'model.kind_unknown', status: 400 })
  })
})
