import { describe, expect, it } from 'vitest'
import { canaryBucket, canaryPercent, createLifecycle, createRegistry, memoryModelStore, type CanaryPlan, type ModelStore } from '../../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from '../../testkit/models.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { servableManifest } from '../../testkit/servable.ts'

const toy = (version: string, weight?: number) => [servableManifest(toyManifest(version)), toyFiles(weight)] as const

async function governed(store: ModelStore = memoryModelStore(), now = { t: Date.parse('2026-12-01T00:00:00Z') }) {
  const events: { action: string; actor: string; version: string; reason?: string }[] = []
  const clock = { now: () => now.t }
  const registry = createRegistry({ store, plugins: () => [toyPlugin()], clock, resolveTtlMs: 0 })
  const record = async (e: (typeof events)[number]) => void events.push(e)
  const lifecycle = createLifecycle({ registry, store, clock, record, ttlMs: 0 })
  await registry.register(...toy('1.0.0'))
  await registry.promote('toy', '1.0.0', 'production')
  await registry.register(...toy('2.0.0', 0.08))
  return { registry, lifecycle, events, now }
}

describe('canary routing by patient hash', () => {
  it('is stable per patient and monotonic as the canary widens', async () => {
    const patients = Array.from({ length: 2000 }, (_, i) => `Patient/p${i}`)
    const buckets = await Promise.all(patients.map((p) => canaryBucket('toy', '2.0.0', p)))
    expect(await canaryBucket('toy', '2.0.0', 'p7')).toBe(buckets[7])
    const share = (percent: number) => buckets.filter((b) => b < percent).length / buckets.length
    // Uniform enough: within 3 points of the target at each step on 2,000 patients.
    for (const percent of [5, 20, 50]) expect(Math.abs(share(percent) - percent / 100)).toBeLessThan(0.03)
    const at5 = patients.filter((_, i) => buckets[i]! < 5)
    expect(at5.every((p) => buckets[patients.indexOf(p)]! < 20)).toBe(true)
    // Another version reshuffles: not the same first patients for every canary.
    const other = await Promise.all(at5.map((p) => canaryBucket('toy', '3.0.0', p)))
    expect(other.filter((b) => b < 5).length).toBeLessThan(at5.length / 2)
  })

  it('widens on schedule from the step it started at', () => {
    const plan: CanaryPlan = {
      version: '2.0.0',
      champion: '1.0.0',
      steps: [5, 20, 100],
      step: 0,
      stepStartedAt: '2026-12-01T00:00:00.000Z',
      stepEveryMs: 3_600_000,
      rollbackOn: [],
      startedBy: 'ds',
    }
    const t0 = Date.parse(plan.stepStartedAt)
    expect([0, 3_599_999, 3_600_000, 7_200_000, 99 * 3_600_000].map((dt) => canaryPercent(plan, t0 + dt))).toEqual([5, 5, 20, 100, 100])
    expect(canaryPercent({ ...plan, stepEveryMs: undefined }, t0 + 99 * 3_600_000)).toBe(5)
  })
})

describe('the governed lifecycle', () => {
  it('needs an approval by another principal for a canary and for production, and audits each step', async () => {
    const { lifecycle, registry, events } = await governed()
    await expect(lifecycle.startCanary('toy', '2.0.0', { steps: [10] }, 'ds')).rejects.toMatchObject({ code: 'model.approval_required' })
    await lifecycle.approve('toy', '2.0.0', 'ds', 'self')
    await expect(lifecycle.promote('toy', '2.0.0', 'production', 'ds')).rejects.toMatchObject({ code: 'model.self_approval' })
    await lifecycle.approve('toy', '2.0.0', 'reviewer', 'validated')
    await lifecycle.startCanary('toy', '2.0.0', { steps: [10, 50], rollbackOn: ['auroc-low'] }, 'ds')
    await expect(lifecycle.startCanary('toy', '2.0.0', { steps: [10] }, 'ds')).rejects.toMatchObject({ code: 'model.canary_active' })
    await lifecycle.advanceCanary('toy', 'ds')
    expect((await lifecycle.state('toy')).canary).toMatchObject({ step: 1, champion: '1.0.0' })
    // Promotion ends the canary: the version now serves everyone.
    await lifecycle.promote('toy', '2.0.0', 'production', 'ds')
    expect((await lifecycle.state('toy')).canary).toBeUndefined()
    expect((await registry.get('toy')).aliases.production).toBe('2.0.0')
    expect(events.map((e) => `${e.action}:${e.actor}`)).toEqual(['model.approve:ds', 'model.approve:reviewer', 'model.canary:ds', 'model.canary_step:ds'])
  })

  it('refuses an incomplete card, bad steps, a canary that needs inputs the champion lacks, and archived versions', async () => {
    const { lifecycle, registry } = await governed()
    await registry.register(toyManifest('2.1.0'), toyFiles())
    await lifecycle.approve('toy', '2.1.0', 'reviewer', 'ok')
    await expect(lifecycle.startCanary('toy', '2.1.0', { steps: [10] }, 'ds')).rejects.toMatchObject({ code: 'model.card_incomplete' })
    await lifecycle.approve('toy', '2.0.0', 'reviewer', 'ok')
    for (const steps of [[], [50, 20], [0], [150], [10, 10]])
      await expect(lifecycle.startCanary('toy', '2.0.0', { steps }, 'ds')).rejects.toMatchObject({ code: 'request.invalid' })
    const wider = servableManifest(toyManifest('2.2.0', { inputs: [...toyManifest().inputs, { name: 'bmi', type: 'number' }] }))
    await registry.register(wider, toyFiles())
    await expect(lifecycle.shadow('toy', '2.2.0', true, 'ds')).rejects.toMatchObject({ code: 'request.invalid' })
    await registry.archive('toy', '2.0.0')
    await expect(lifecycle.approve('toy', '2.0.0', 'reviewer', 'late')).rejects.toMatchObject({ code: 'model.version_archived' })
  })

  it('rolls back once, and archiving the canary version rolls it back', async () => {
    const { lifecycle, events } = await governed()
    await lifecycle.approve('toy', '2.0.0', 'reviewer', 'ok')
    await lifecycle.startCanary('toy', '2.0.0', { steps: [50] }, 'ds')
    expect(await lifecycle.rollback('toy', 'monitoring', 'alert.auroc-low')).toBe(true)
    expect(await lifecycle.rollback('toy', 'monitoring', 'alert.auroc-low')).toBe(false)
    await lifecycle.startCanary('toy', '2.0.0', { steps: [50] }, 'ds')
    await lifecycle.archive('toy', '2.0.0', 'ds')
    expect((await lifecycle.state('toy')).lastRollback).toMatchObject({ version: '2.0.0', reason: 'archived' })
    expect(events.filter((e) => e.action === 'model.rollback').map((e) => e.reason)).toEqual(['alert.auroc-low', 'archived'])
  })

  it('loses no change when two replicas change the same model at once', async () => {
    const store = memoryModelStore()
    const a = await governed(store)
    const b = createLifecycle({ registry: a.registry, store, clock: { now: () => Date.now() }, record: async () => {}, ttlMs: 0 })
    await Promise.all([
      a.lifecycle.approve('toy', '2.0.0', 'r1', 'one'),
      b.approve('toy', '2.0.0', 'r2', 'two'),
      a.lifecycle.shadow('toy', '2.0.0', true, 'ds'),
    ])
    const state = await a.lifecycle.state('toy')
    expect(state.approvals.map((x) => x.by).sort()).toEqual(['r1', 'r2'])
    expect(state.shadows).toEqual(['2.0.0'])
  })

  it('says a store without a lifecycle cannot govern', async () => {
    const { getLifecycle: _g, putLifecycle: _p, ...bare } = memoryModelStore()
    const { lifecycle } = await governed(bare as ModelStore)
    await expect(lifecycle.approve('toy', '2.0.0', 'reviewer', 'ok')).rejects.toMatchObject({ code: 'model.lifecycle_unsupported' })
  })
})

describe('the pipeline under a canary', () => {
  it('splits a multi-patient batch by patient, labels each row with its version, and pins bypass the canary', async () => {
    const { nexora } = await toyNexora()
    await nexora.registry.register(...toy('2.0.0', 0.08))
    await nexora.lifecycle.approve('toy', '2.0.0', 'reviewer', 'ok')
    await nexora.lifecycle.startCanary('toy', '2.0.0', { steps: [50] }, 'dev')
    const rows = Array.from({ length: 40 }, (_, i) => ({ patientRef: `Patient/b${i}`, features: { age: 60 } }))
    const result = await nexora.predict({ model: 'toy', rows }, { subject: 'c', scopes: ['nexora/predict'], roles: [], via: 'in-process' })
    const expected = await Promise.all(rows.map(async (r) => ((await canaryBucket('toy', '2.0.0', r.patientRef)) < 50 ? '2.0.0' : '1.0.0')))
    expect(result.predictions.map((p) => p.version)).toEqual(expected)
    expect(new Set(expected).size).toBe(2)
    const [v1, v2] = [result.predictions.find((p) => p.version === '1.0.0')!, result.predictions.find((p) => p.version === '2.0.0')!]
    expect(v1.score).not.toBe(v2.score)
    const pinned = await nexora.predict({ model: 'toy@1.0.0', rows }, { subject: 'c', scopes: ['nexora/predict'], roles: [], via: 'in-process' })
    expect(new Set(pinned.predictions.map((p) => p.version))).toEqual(new Set([undefined]))
    expect(pinned.model.version).toBe('1.0.0')
    await nexora.close()
  })
})
