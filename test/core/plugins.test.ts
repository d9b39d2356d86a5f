import { describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, memoryStorage, NexoraError, type ModelPlugin } from '../../core/index.ts'

const store = (name: string, priority = 0, fail?: string) =>
  definePlugin({
    name,
    provides: 'modelStore',
    priority,
    setup: () => {
      if (fail) throw new Error(fail)
      return memoryModelStore()
    },
  })
const audit = definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() })
const fakeModel = (kind: string): ModelPlugin => ({
  kind,
  load: async () => {
    throw new Error('unused')
  },
})

async function startError(plugins: Parameters<typeof createNexora>[0]['plugins']): Promise<NexoraError> {
  const error = await createNexora({ plugins }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(NexoraError)
  return error as NexoraError
}

describe('definePlugin', () => {
  it('rejects unknown ports and missing names with plugin.invalid', () => {
    expect(() => definePlugin({ name: 'x', provides: 'nope' as 'clock', setup: () => ({ now: () => 0 }) })).toThrow(/unknown port "nope"/)
    expect(() => definePlugin({ name: 'x', provides: 'clock', requires: ['bogus' as 'clock'], setup: () => ({ now: () => 0 }) })).toThrow(
      /requires unknown port "bogus"/,
    )
    expect(() => definePlugin({ name: '', provides: 'clock', setup: () => ({ now: () => 0 }) })).toThrow(NexoraError)
  })
})

describe('createNexora plugin resolution', () => {
  it('fails at start-up when a requirement has no provider, naming plugin and port', async () => {
    const needy = definePlugin({
      name: 'fhir-etl',
      provides: 'complianceStage',
      requires: ['fhirSource'],
      setup: () => ({ name: 'x', order: 'pre', process: async (_c, p) => p }),
    })
    const error = await startError([memoryStorage(), needy])
    expect(error.code).toBe('plugin.missing_requirement')
    expect(error.message).toContain('"fhir-etl"')
    expect(error.message).toContain('"fhirSource"')
  })

  it('fails when nothing provides a port core needs', async () => {
    const error = await startError([audit])
    expect(error.code).toBe('plugin.missing_requirement')
    expect(error.message).toContain('"modelStore"')
  })

  it('fails on two providers at the same priority, naming both', async () => {
    const error = await startError([store('store-a'), store('store-b'), audit])
    expect(error.code).toBe('plugin.ambiguous')
    expect(error.message).toMatch(/"store-a" and "store-b"/)
  })

  it('fails on duplicate plugin names', async () => {
    expect((await startError([store('same', 1), store('same', 2), audit])).code).toBe('plugin.duplicate')
  })

  it('picks the highest priority and falls back to the next when its setup fails', async () => {
    const nexora = await createNexora({ plugins: [store('primary', 10, 'disk full'), store('fallback', 1), audit] })
    expect(nexora.ports.providers.modelStore).toBe('fallback')
  })

  it('reports every failure when all providers fail', async () => {
    const error = await startError([store('first', 2, 'boom one'), store('second', 1, 'boom two'), audit])
    expect(error.code).toBe('plugin.setup_failed')
    expect(error.message).toContain('first: boom one')
    expect(error.message).toContain('second: boom two')
  })

  it('detects requirement cycles', async () => {
    const a = definePlugin({
      name: 'a',
      provides: 'featureStore',
      requires: ['fhirSource'],
      setup: () => {
        throw new Error('x')
      },
    })
    const b = definePlugin({
      name: 'b',
      provides: 'fhirSource',
      requires: ['featureStore'],
      setup: () => {
        throw new Error('x')
      },
    })
    const error = await startError([memoryStorage(), a, b])
    expect(error.code).toBe('plugin.cycle')
    expect(error.message).toMatch(/featureStore.*fhirSource/)
  })

  it('sets up a plugin after the ports it requires and lets it use them', async () => {
    const order: string[] = []
    const clock = definePlugin({
      name: 'clock',
      provides: 'clock',
      setup: () => {
        order.push('clock')
        return { now: () => 42 }
      },
    })
    const user = definePlugin({
      name: 'user',
      provides: 'featureStore',
      requires: ['clock'],
      setup: (ctx) => {
        order.push(`user saw ${ctx.get('clock').now()}`)
        return { get: async () => ({}), put: async () => {} }
      },
    })
    await createNexora({ plugins: [user, clock, memoryStorage()] })
    expect(order).toEqual(['clock', 'user saw 42'])
  })

  it('allows many model plugins side by side, one per kind', async () => {
    const nexora = await createNexora({
      plugins: [
        memoryStorage(),
        definePlugin({ name: 'm1', provides: 'model', setup: () => fakeModel('a') }),
        definePlugin({ name: 'm2', provides: 'model', setup: () => fakeModel('b') }),
      ],
    })
    expect(nexora.ports.getAll('model').map((m) => m.kind)).toEqual(['a', 'b'])
  })
})
