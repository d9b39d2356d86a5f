import { NexoraError, safeName } from '../errors.ts'
import type { Sha256 } from '../digest.ts'
import { EMPTY_LIFECYCLE, type CanaryPlan, type LifecycleState, type ModelStore, type StoredVersion } from '../ports/model-store.ts'
import type { Clock } from '../ports/runtime.ts'
import { canaryBucket, canaryPercent, canaryStep } from './canary.ts'
import { checkServable } from './governance.ts'
import type { ModelRegistry, RecordEvent } from './registry.ts'

export interface LifecycleOptions {
  registry: ModelRegistry
  store: ModelStore
  clock: Clock
  /** Audits each step (`model.approve`, `model.shadow`, `model.canary`, `model.rollback`, …). */
  record: RecordEvent
  /** `required` (default): a version serves patients (canary, production) only after a second principal approved it. */
  approvals?: 'required' | 'off'
  /** How long the serving plan of a model is reused on the hot path (ms). Default 2000, like the registry's resolve. */
  ttlMs?: number
  sha256?: Sha256
}

export interface CanaryInput {
  /** Percent of patients per step, ascending, each in (0, 100]. */
  steps: number[]
  stepEveryMs?: number
  rollbackOn?: string[]
}

/** What the pipeline needs for one request: who scores each row, and which versions run in the shadow. */
export interface ServingPlan {
  /** The version that scores a row of this patient (the champion without a canary or a patient). */
  versionFor(patientRef: string | null | undefined): Promise<string>
  shadows: string[]
  canary?: { version: string; percent: number }
}

const MAX_STEPS = 20

/**
 * The governed lifecycle of a model's versions beyond their stage: shadows, a canary by patient
 * hash with rollback, two-person approval. One JSON document per model in the ModelStore,
 * changed by compare-and-set; every change is an audit event. Promotion through here is the
 * governed path: `registry.promote` stays the raw pointer move (start-up seeding of shipped models).
 */
export function createLifecycle(o: LifecycleOptions) {
  const { registry, store, clock } = o
  const ttl = o.ttlMs ?? 2000
  const cached = new Map<string, { state: LifecycleState; expires: number }>()
  const now = () => clock.now()
  const iso = () => new Date(now()).toISOString()

  async function read(name: string): Promise<LifecycleState> {
    if (!store.getLifecycle) return structuredClone(EMPTY_LIFECYCLE)
    return (await store.getLifecycle(name)).state
  }

  /** Read, change and write back with compare-and-set, retrying a lost race a few times. */
  async function change(name: string, edit: (state: LifecycleState) => LifecycleState | undefined): Promise<LifecycleState> {
    if (!store.getLifecycle || !store.putLifecycle) throw new NexoraError('model.lifecycle_unsupported')
    for (let attempt = 0; attempt < 5; attempt++) {
      const { state, revision } = await store.getLifecycle(name)
      const next = edit(structuredClone(state))
      if (!next) return state
      if (await store.putLifecycle(name, next, revision, iso())) {
        cached.delete(name)
        return next
      }
    }
    throw new NexoraError('model.lifecycle_conflict')
  }

  async function servable(name: string, version: string, by: string) {
    const stored = await registry.getVersion(name, version)
    if (stored.stage === 'archived') throw new NexoraError('model.version_archived', { detail: `${safeName(name)}@${safeName(version)}` })
    checkServable(stored, await read(name), by, o.approvals ?? 'required')
    // Its signature (the registry's verify hook): production refuses unsigned or untrusted versions.
    await registry.check(stored.manifest, 'production')
    return stored
  }

  /**
   * A canary or shadow scores the rows the front door built for the serving version, so it may
   * require no input the serving version does not have.
   */
  async function sameInputs(name: string, candidate: StoredVersion) {
    const serving = await registry.resolve(name)
    const has = new Set(serving.manifest.inputs.map((i) => i.name))
    const extra = candidate.manifest.inputs.filter((i) => i.required !== false && !has.has(i.name)).map((i) => safeName(i.name))
    if (extra.length)
      throw new NexoraError('request.invalid', {
        detail: `${safeName(candidate.version)} requires inputs ${serving.version} lacks: ${extra.slice(0, 5).join(', ')}`,
      })
    return serving.version
  }

  /** `reason` is a code (`alert.<rule>`, `adverse_event`, `manual`, `archived`); a person's words go in `note`. */
  async function rollback(name: string, by: string, reason: string, note?: string): Promise<boolean> {
    let rolled: CanaryPlan | undefined
    await change(name, (state) => {
      rolled = state.canary
      if (!rolled) return undefined
      return { ...state, canary: undefined, lastRollback: { version: rolled.version, champion: rolled.champion, at: iso(), reason } }
    })
    if (!rolled) return false
    await o.record({
      action: 'model.rollback',
      actor: by,
      model: name,
      version: rolled.version,
      reason,
      context: { champion: rolled.champion, ...(note ? { note } : {}) },
    })
    return true
  }

  return {
    /** The stored document, read fresh. */
    state: read,

    /** The plan for a request, reused for `ttlMs` so the hot path rarely reads storage. */
    async plan(name: string, served: string): Promise<ServingPlan> {
      let hit = cached.get(name)
      if (!hit || hit.expires <= now()) {
        hit = { state: await read(name), expires: now() + ttl }
        cached.set(name, hit)
      }
      const { canary, shadows } = hit.state
      const percent = canary && canary.champion === served ? canaryPercent(canary, now()) : 0
      return {
        shadows: shadows.filter((v) => v !== served),
        ...(canary && percent > 0 ? { canary: { version: canary.version, percent } } : {}),
        async versionFor(patientRef) {
          if (!canary || percent <= 0 || !patientRef) return served
          return (await canaryBucket(name, canary.version, patientRef, o.sha256)) < percent ? canary.version : served
        },
      }
    },

    /** A second principal's sign-off, with a reason. Approving what you yourself started is refused at promotion, not here. */
    async approve(name: string, version: string, by: string, reason: string) {
      const stored = await registry.getVersion(name, version)
      if (stored.stage === 'archived') throw new NexoraError('model.version_archived', { detail: `${safeName(name)}@${safeName(version)}` })
      const state = await change(name, (s) => ({ ...s, approvals: [...s.approvals, { version, by, reason, at: iso() }] }))
      await o.record({ action: 'model.approve', actor: by, model: name, version, context: { reason } })
      return state
    },

    async shadow(name: string, version: string, on: boolean, by: string) {
      const stored = await registry.getVersion(name, version)
      if (on && stored.stage === 'archived') throw new NexoraError('model.version_archived', { detail: `${safeName(name)}@${safeName(version)}` })
      if (on) await sameInputs(name, stored)
      const state = await change(name, (s) => {
        const has = s.shadows.includes(version)
        if (has === on) return undefined
        return { ...s, shadows: on ? [...s.shadows, version] : s.shadows.filter((v) => v !== version) }
      })
      await o.record({ action: on ? 'model.shadow' : 'model.shadow_stop', actor: by, model: name, version, context: {} })
      return state
    },

    async startCanary(name: string, version: string, input: CanaryInput, by: string) {
      const steps = input.steps
      const ascending = steps.every((p, i) => Number.isFinite(p) && p > 0 && p <= 100 && (i === 0 || p > steps[i - 1]!))
      if (steps.length === 0 || steps.length > MAX_STEPS || !ascending)
        throw new NexoraError('request.invalid', { detail: `steps: 1 to ${MAX_STEPS} ascending percents in (0, 100]` })
      const served = await sameInputs(name, await servable(name, version, by))
      if (served === version) throw new NexoraError('request.invalid', { detail: 'the version already serves every patient' })
      const plan: CanaryPlan = {
        version,
        champion: served,
        steps,
        step: 0,
        stepStartedAt: iso(),
        ...(input.stepEveryMs ? { stepEveryMs: input.stepEveryMs } : {}),
        rollbackOn: input.rollbackOn ?? [],
        startedBy: by,
      }
      const state = await change(name, (s) => {
        if (s.canary) throw new NexoraError('model.canary_active', { detail: `${safeName(name)}@${safeName(s.canary.version)}` })
        return { ...s, canary: plan }
      })
      await o.record({ action: 'model.canary', actor: by, model: name, version, context: { champion: served, steps, rollbackOn: plan.rollbackOn } })
      return state
    },

    /** Widen the canary to its next step now. */
    async advanceCanary(name: string, by: string) {
      let percent = 0
      let version = ''
      const state = await change(name, (s) => {
        if (!s.canary) throw new NexoraError('model.no_canary', { detail: safeName(name) })
        const step = Math.min(s.canary.steps.length - 1, canaryStep(s.canary, now()) + 1)
        percent = s.canary.steps[step]!
        version = s.canary.version
        return { ...s, canary: { ...s.canary, step, stepStartedAt: iso() } }
      })
      await o.record({ action: 'model.canary_step', actor: by, model: name, version, context: { percent } })
      return state
    },

    /** Return all traffic to the champion now; false when there was no canary. */
    rollback,

    /**
     * The governed promotion: to production only a servable version (approved by another principal,
     * complete card and source attributes, a trusted signature). Ends its canary and its shadow.
     */
    async promote(name: string, version: string, stage: 'staging' | 'production', by: string) {
      if (stage === 'production') await servable(name, version, by)
      await registry.promote(name, version, stage, by)
      if (stage !== 'production' || !store.getLifecycle) return
      await change(name, (s) => {
        if (s.canary?.version !== version && !s.shadows.includes(version)) return undefined
        return { ...s, canary: s.canary?.version === version ? undefined : s.canary, shadows: s.shadows.filter((v) => v !== version) }
      })
    },

    /** A version that is archived leaves the shadows, and its canary ends (a rollback). */
    async archive(name: string, version: string, by: string) {
      await registry.archive(name, version, by)
      if (!store.getLifecycle) return
      const state = await read(name)
      if (state.canary?.version === version) await rollback(name, by, 'archived')
      if (state.shadows.includes(version)) await change(name, (s) => ({ ...s, shadows: s.shadows.filter((v) => v !== version) }))
    },
  }
}

export type Lifecycle = ReturnType<typeof createLifecycle>
