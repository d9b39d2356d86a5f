/**
 * A model store that fails with a raw driver error (a dropped connection while the resolve cache
 * refreshes, or while a model loads) answers `storage.unavailable` (503), never a bare 500, on
 * every registry path; the pipeline records the coded failure in the audit trail.
 */
import { describe, expect, it } from 'vitest'
import { createRegistry, definePlugin, manualClock, memoryModelStore, NexoraError, type ModelStore } from '../../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'

/** A memory store that throws what node-postgres throws on a dropped connection while `down` is set. */
function droppingStore() {
  const inner = memoryModelStore()
  const state = { down: false }
  const drop = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined })
  const store: ModelStore = Object.fromEntries(
    Object.entries(inner).map(([name, fn]) => [
      name,
      async (...args: unknown[]) => {
        if (state.down) throw drop()
        return (fn as (...a: unknown[]) => Promise<unknown>)(...args)
      },
    ]),
  ) as unknown as ModelStore
  return { store, state }
}

describe('registry on a store that drops its connection', () => {
  it('answers storage.unavailable from a resolve refresh, a model load and the admin reads, and recovers', async () => {
    const { store, state } = droppingStore()
    const clock = manualClock(Date.UTC(2026, 0, 1))
    const registry = createRegistry({ store, plugins: () => [toyPlugin()], clock, resolveTtlMs: 1000 })
    const stored = await registry.register(toyManifest('1.0.0'), toyFiles())
    await registry.resolve('toy')
    state.down = true
    // The cached resolution holds within its TTL; the refresh after it meets the outage.
    expect((await registry.resolve('toy')).version).toBe('1.0.0')
    clock.advance(1001)
    for (const attempt of [
      registry.resolve('toy'),
      registry.load(stored),
      registry.list(),
      registry.get('toy'),
      registry.promote('toy', '1.0.0', 'production'),
    ]) {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(NexoraError)
      expect(error).toMatchObject({ code: 'storage.unavailable', status: 503 })
      // The driver's words stay out of what a client sees.
      expect((error as NexoraError).detail).not.toMatch(/terminated/i)
    }
    state.down = false
    expect((await registry.resolve('toy')).version).toBe('1.0.0')
  })

  it("keeps a store's own coded errors (a duplicate version stays a 409)", async () => {
    const { store } = droppingStore()
    const registry = createRegistry({ store, plugins: () => [toyPlugin()], clock: manualClock(0), resolveTtlMs: 0 })
    await registry.register(toyManifest('1.0.0'), toyFiles())
    await expect(registry.register(toyManifest('1.0.0'), toyFiles())).rejects.toMatchObject({ code: 'model.version_exists', status: 409 })
  })

  it('answers POST /predict with a 503 storage.unavailable problem and audits the coded failure', async () => {
    const { store, state } = droppingStore()
    const { nexora, audit } = await toyNexora({}, [], [definePlugin({ name: 'dropping-store', provides: 'modelStore', priority: 10, setup: () => store })])
    state.down = true
    const res = await nexora.fetch(new Request('http://nexora.test/predict', post('/predict', { model: 'toy', rows: [{ features: { age: 40 } }] })))
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    const problem = (await res.json()) as { requestId: string }
    expect(problem).toMatchObject({ code: 'storage.unavailable', status: 503 })
    expect(audit.events.filter((e) => e.requestId === problem.requestId).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['predict.request', 'success', null],
      ['predict.response', 'failure', 'storage.unavailable'],
    ])
    await nexora.close()
  })
})
