import { NexoraError } from '../errors.ts'
import { EMPTY_LIFECYCLE, type LifecycleRecord, type ModelStore, type Stage, type StoredVersion } from '../ports/model-store.ts'

/**
 * In-memory ModelStore for unit tests and the browser's ephemeral mode.
 * @example
 * const store = memoryModelStore()
 */
export function memoryModelStore(): ModelStore {
  const versions = new Map<string, Map<string, StoredVersion & { files: Record<string, Uint8Array> }>>()
  const aliases = new Map<string, Record<string, string>>()
  const lifecycles = new Map<string, LifecycleRecord>()

  const find = (name: string, version: string) => versions.get(name)?.get(version)
  const strip = ({ files: _files, ...stored }: StoredVersion & { files: unknown }): StoredVersion => structuredClone(stored)

  return {
    async putVersion(manifest, files, createdAt) {
      const byVersion = versions.get(manifest.name) ?? new Map()
      if (byVersion.has(manifest.version)) throw new NexoraError('model.version_exists', { detail: `${manifest.name}@${manifest.version}` })
      byVersion.set(manifest.version, {
        name: manifest.name,
        version: manifest.version,
        manifest: structuredClone(manifest),
        stage: 'none',
        createdAt,
        files: Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, bytes.slice()])),
      })
      versions.set(manifest.name, byVersion)
    },
    async getVersion(name, version) {
      const found = find(name, version)
      return found && strip(found)
    },
    async getFiles(name, version) {
      return find(name, version)?.files
    },
    async listModels() {
      return [...versions.keys()].sort()
    },
    async listVersions(name) {
      return [...(versions.get(name)?.values() ?? [])].map(strip)
    },
    async setAlias(name, alias, version) {
      const current = { ...aliases.get(name) }
      if (version === null) delete current[alias]
      else current[alias] = version
      aliases.set(name, current)
    },
    async getAliases(name) {
      return { ...aliases.get(name) }
    },
    async setStage(name, version, stage: Stage) {
      const found = find(name, version)
      if (!found) throw new NexoraError('model.version_not_found', { detail: `${name}@${version}` })
      found.stage = stage
    },
    async getLifecycle(name) {
      return structuredClone(lifecycles.get(name) ?? { state: EMPTY_LIFECYCLE, revision: 0 })
    },
    async putLifecycle(name, state, revision) {
      if ((lifecycles.get(name)?.revision ?? 0) !== revision) return false
      lifecycles.set(name, { state: structuredClone(state), revision: revision + 1 })
      return true
    },
    async health() {
      return { ok: true }
    },
  }
}
