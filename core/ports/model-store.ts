import type { ModelManifest } from './model.ts'
import type { PortHealth } from './values.ts'

export type Stage = 'none' | 'staging' | 'production' | 'archived'

export interface StoredVersion {
  name: string
  version: string
  manifest: ModelManifest
  stage: Stage
  /** ISO-8601 registration time. */
  createdAt: string
}

/** A second principal's sign-off on a version (two-person approval before it serves patients). */
export interface Approval {
  version: string
  by: string
  reason: string
  /** ISO-8601. */
  at: string
}

/** A canary: a share of patients (by a stable hash of the patient) scored by `version`, the rest by `champion`. */
export interface CanaryPlan {
  version: string
  champion: string
  /** Percent of patients at each step, ascending (e.g. [5, 20, 50, 100]). */
  steps: number[]
  /** The step in force since `stepStartedAt`. */
  step: number
  stepStartedAt: string
  /** Widen to the next step this often; absent: widen by hand. */
  stepEveryMs?: number
  /** Alert rule ids (or `adverse_event`) whose firing returns all traffic to the champion. */
  rollbackOn: string[]
  startedBy: string
}

/** Where a model's versions stand beyond their stage: shadows, the canary, approvals, the last rollback. */
export interface LifecycleState {
  /** Versions scored beside the serving one after each answer has left; never returned. */
  shadows: string[]
  canary?: CanaryPlan
  approvals: Approval[]
  lastRollback?: { version: string; champion: string; at: string; reason: string }
}

export const EMPTY_LIFECYCLE: LifecycleState = Object.freeze({ shadows: [], approvals: [] }) as LifecycleState

export interface LifecycleRecord {
  state: LifecycleState
  /** 0 when nothing was ever written. */
  revision: number
}

/**
 * Model manifests and artifact bytes by `(name, version)`, plus alias pointers.
 * `putVersion` is atomic: a reader never sees a manifest without its files.
 */
export interface ModelStore {
  putVersion(manifest: ModelManifest, files: Record<string, Uint8Array>, createdAt: string): Promise<void>
  getVersion(name: string, version: string): Promise<StoredVersion | undefined>
  getFiles(name: string, version: string): Promise<Record<string, Uint8Array> | undefined>
  listModels(): Promise<string[]>
  listVersions(name: string): Promise<StoredVersion[]>
  /** Point `alias` at `version`, or remove it with `null`. */
  setAlias(name: string, alias: string, version: string | null): Promise<void>
  getAliases(name: string): Promise<Record<string, string>>
  setStage(name: string, version: string, stage: Stage): Promise<void>
  /** The model's lifecycle document (a store without these serves no shadows, canaries or approvals). */
  getLifecycle?(name: string): Promise<LifecycleRecord>
  /** Replace the document if it is still at `revision`; false when another writer changed it first. */
  putLifecycle?(name: string, state: LifecycleState, revision: number, updatedAt: string): Promise<boolean>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}
