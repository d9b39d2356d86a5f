import { EMPTY_LIFECYCLE, NexoraError, type ModelStore } from '../../core/index.ts'
import type { Db } from './database.ts'

const range = (name: string, version?: string) =>
  version === undefined ? IDBKeyRange.bound([name], [name, []]) : IDBKeyRange.bound([name, version], [name, version, []])

/** ModelStore on IndexedDB: a version and its files are written in one transaction (all or none). */
export function idbModelStore(db: Db): ModelStore {
  return {
    async putVersion(manifest, files, createdAt) {
      const tx = db.transaction(['modelVersions', 'modelFiles'], 'readwrite')
      try {
        // `add` fails on an existing key, which aborts the whole transaction: no partial version.
        await Promise.all([
          tx
            .objectStore('modelVersions')
            .add({ name: manifest.name, version: manifest.version, manifest: structuredClone(manifest), stage: 'none', createdAt }),
          ...Object.entries(files).map(([path, bytes]) =>
            tx.objectStore('modelFiles').add({ name: manifest.name, version: manifest.version, path, bytes: bytes.slice() }),
          ),
          tx.done,
        ])
      } catch (error) {
        if ((error as DOMException)?.name === 'ConstraintError')
          throw new NexoraError('model.version_exists', { detail: `${manifest.name}@${manifest.version}` })
        throw error
      }
    },
    getVersion: (name, version) => db.get('modelVersions', [name, version]),
    async getFiles(name, version) {
      if (!(await db.get('modelVersions', [name, version]))) return undefined
      const rows = await db.getAll('modelFiles', range(name, version))
      return Object.fromEntries(rows.map((r) => [r.path, r.bytes]))
    },
    async listModels() {
      return [...new Set((await db.getAllKeys('modelVersions')).map(([name]) => name))].sort()
    },
    listVersions: (name) => db.getAll('modelVersions', range(name)),
    async setAlias(name, alias, version) {
      if (version === null) await db.delete('modelAliases', [name, alias])
      else await db.put('modelAliases', { name, alias, version })
    },
    async getAliases(name) {
      return Object.fromEntries((await db.getAll('modelAliases', range(name))).map((a) => [a.alias, a.version]))
    },
    async setStage(name, version, stage) {
      const tx = db.transaction('modelVersions', 'readwrite')
      const found = await tx.store.get([name, version])
      if (!found) throw new NexoraError('model.version_not_found', { detail: `${name}@${version}` })
      await Promise.all([tx.store.put({ ...found, stage }), tx.done])
    },
    async getLifecycle(name) {
      const row = await db.get('modelLifecycle', name)
      return row ? { state: row.state, revision: row.revision } : { state: structuredClone(EMPTY_LIFECYCLE), revision: 0 }
    },
    async putLifecycle(name, state, revision, updatedAt) {
      // Compare-and-set inside one readwrite transaction: IndexedDB runs overlapping ones on a store one after another.
      const tx = db.transaction('modelLifecycle', 'readwrite')
      const current = (await tx.store.get(name))?.revision ?? 0
      if (current !== revision) {
        await tx.done
        return false
      }
      await Promise.all([tx.store.put({ name, state: structuredClone(state), revision: revision + 1, updatedAt }), tx.done])
      return true
    },
    async health() {
      return { ok: true }
    },
  }
}
