import { describe, expect, it } from 'vitest'
import { createRegistry, manualClock, memoryModelStore, NexoraError, type ModelStore } from '../../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'

function setup(options: { cacheSize?: number; delayMs?: number; store?: ModelStore } = {}) {
  const counters = { loads: 0, disposed: 0 }
  const clock = manualClock(Date.UTC(2026, 0, 1))
  const store = options.store ?? memoryModelStore()
  const registry = createRegistry({ store, plugins: () => [toyPlugin(counters, options.delayMs)], clock, cacheSize: options.cacheSize, resolveTtlMs: 0 })
  return { registry, counters, clock, store }
}

describe('model registry', () => {
  it('registers versions with their file hashes and lists them in semver order', async () => {
    const { registry } = setup()
    await registry.register(toyManifest('1.10.0'), toyFiles())
    const stored = await registry.register(toyManifest('1.2.0'), toyFiles())
    expect(stored.manifest.files!['weights.json']).toMatch(/^[0-9a-f]{64}$/)
    const summary = await registry.get('toy')
    expect(summary.versions.map((v) => v.version)).toEqual(['1.2.0', '1.10.0'])
    expect(summary.aliases).toEqual({ latest: '1.10.0' })
    expect((await registry.list()).map((m) => m.name)).toEqual(['toy'])
  })

  it('rejects a non-semver version, a bad manifest, an unknown kind and a duplicate', async () => {
    const { registry } = setup()
    await expect(registry.register(toyManifest('v1'), toyFiles())).rejects.toMatchObject({ code: 'model.invalid_manifest' })
    await expect(registry.register({ ...toyManifest(), name: 'Bad Name' }, toyFiles())).rejects.toMatchObject({ code: 'model.invalid_manifest' })
    await expect(registry.register({ ...toyManifest(), kind: 'quantum' }, toyFiles())).rejects.toMatchObject({ code: 'model.kind_unknown' })
    await registry.register(toyManifest(), toyFiles())
    await expect(registry.register(toyManifest(), toyFiles())).rejects.toMatchObject({ code: 'model.version_exists' })
  })

  it('refuses files that do not match the hashes a manifest declares', async () => {
    const { registry } = setup()
    const declared = (await registry.register(toyManifest('1.0.0'), toyFiles())).manifest.files
    await expect(registry.register(toyManifest('1.0.1', { files: declared }), toyFiles(0.9))).rejects.toMatchObject({ code: 'model.artifact_corrupt' })
  })

  it('resolves exact versions, production, staging and latest; defaults to production, else latest', async () => {
    const { registry } = setup()
    for (const v of ['1.0.0', '1.1.0', '2.0.0-rc.1']) await registry.register(toyManifest(v), toyFiles())
    expect((await registry.resolve('toy')).version).toBe('1.1.0')
    await registry.promote('toy', '1.0.0', 'production')
    await registry.promote('toy', '2.0.0-rc.1', 'staging')
    expect((await registry.resolve('toy')).version).toBe('1.0.0')
    expect((await registry.resolve('toy', { alias: 'staging' })).version).toBe('2.0.0-rc.1')
    expect((await registry.resolve('toy', { alias: 'latest' })).version).toBe('1.1.0')
    expect((await registry.resolve('toy', { version: '1.1.0' })).version).toBe('1.1.0')
    await registry.promote('toy', '1.1.0', 'production')
    expect((await registry.getVersion('toy', '1.0.0')).stage).toBe('none')
    expect((await registry.getVersion('toy', '1.1.0')).stage).toBe('production')
  })

  it('answers unknown names, versions and aliases with coded 404s', async () => {
    const { registry } = setup()
    await expect(registry.resolve('nope')).rejects.toMatchObject({ code: 'model.not_found', status: 404 })
    await registry.register(toyManifest(), toyFiles())
    await expect(registry.resolve('toy', { version: '9.0.0' })).rejects.toMatchObject({ code: 'model.version_not_found' })
    await expect(registry.resolve('toy', { alias: 'production' })).rejects.toMatchObject({ code: 'model.alias_not_found' })
  })

  it('archives a version: it loses its aliases, leaves latest, and cannot be promoted or loaded', async () => {
    const { registry } = setup()
    await registry.register(toyManifest('1.0.0'), toyFiles())
    await registry.register(toyManifest('1.1.0'), toyFiles())
    await registry.promote('toy', '1.1.0', 'production')
    await registry.archive('toy', '1.1.0')
    const summary = await registry.get('toy')
    expect(summary.aliases).toEqual({ latest: '1.0.0' })
    expect((await registry.resolve('toy')).version).toBe('1.0.0')
    await expect(registry.promote('toy', '1.1.0', 'staging')).rejects.toMatchObject({ code: 'model.version_archived' })
    await expect(registry.load(await registry.getVersion('toy', '1.1.0'))).rejects.toMatchObject({ code: 'model.version_archived' })
  })

  it('loads a version once for concurrent first callers', async () => {
    const { registry, counters } = setup({ delayMs: 20 })
    const stored = await registry.register(toyManifest(), toyFiles())
    const models = await Promise.all(Array.from({ length: 10 }, () => registry.load(stored)))
    expect(counters.loads).toBe(1)
    expect(new Set(models).size).toBe(1)
  })

  it('evicts a loaded version on request, disposing it, and loads it again next time', async () => {
    const { registry, counters } = setup()
    const stored = await registry.register(toyManifest('1.0.0'), toyFiles())
    await registry.load(stored)
    registry.evict('toy', '1.0.0')
    expect(counters.disposed).toBe(1)
    await registry.load(stored)
    expect(counters.loads).toBe(2)
    registry.evict('toy', '9.9.9') // not loaded: nothing to do
    expect(counters.disposed).toBe(1)
  })

  it('keeps at most cacheSize loaded models, disposing the least recently used', async () => {
    const { registry, counters } = setup({ cacheSize: 2 })
    const [a, b, c] = [
      await registry.register(toyManifest('1.0.0'), toyFiles()),
      await registry.register(toyManifest('1.1.0'), toyFiles()),
      await registry.register(toyManifest('1.2.0'), toyFiles()),
    ]
    await registry.load(a)
    await registry.load(b)
    await registry.load(a)
    await registry.load(c)
    expect(counters.disposed).toBe(1)
    await registry.load(a)
    expect(counters.loads).toBe(3)
    await registry.load(b)
    expect(counters.loads).toBe(4)
  })

  it('refuses to load an artifact whose bytes changed in storage, and retries after a failed load', async () => {
    const store = memoryModelStore()
    const { registry } = setup({ store })
    const stored = await registry.register(toyManifest(), toyFiles())
    const files = (await store.getFiles('toy', '1.0.0'))!
    const original = files['weights.json']!
    files['weights.json'] = toyFiles(0.9)['weights.json']
    await expect(registry.load(stored)).rejects.toMatchObject({ code: 'model.artifact_corrupt' })
    files['weights.json'] = original
    const model = await registry.load(stored)
    expect((await model.predict([{ features: { age: 60 } }]))[0]!.score).toBeCloseTo(1 / (1 + Math.exp(0)), 12)
  })

  it('wraps plugin load failures as model.load_failed', async () => {
    const registry = createRegistry({
      store: memoryModelStore(),
      clock: manualClock(),
      resolveTtlMs: 0,
      plugins: () => [
        {
          kind: 'toy',
          load: async () => {
            throw new Error('corrupt weights')
          },
        },
      ],
    })
    const stored = await registry.register(toyManifest(), toyFiles())
    const error = await registry.load(stored).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NexoraError)
    expect(error).toMatchObject({ code: 'model.load_failed', status: 503 })
  })
})
