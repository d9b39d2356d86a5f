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
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}
