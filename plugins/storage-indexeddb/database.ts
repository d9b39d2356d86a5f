import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { AuditCheckpoint, AuditEvent, LifecycleState, Stage, StoredVersion } from '../../core/index.ts'

/** The object stores, with their keys: IndexedDB's counterpart of storage-sql's schema. */
export interface NexoraDb extends DBSchema {
  modelVersions: { key: [string, string]; value: StoredVersion }
  modelFiles: { key: [string, string, string]; value: { name: string; version: string; path: string; bytes: Uint8Array } }
  modelAliases: { key: [string, string]; value: { name: string; alias: string; version: string } }
  modelLifecycle: { key: string; value: { name: string; state: LifecycleState; revision: number; updatedAt: string } }
  auditEvents: { key: number; value: AuditEvent }
  auditCheckpoints: { key: number; value: AuditCheckpoint }
}

export type Db = IDBPDatabase<NexoraDb>
export type { Stage }

/**
 * Open (creating or upgrading) the on-device database: each schema change is an `if (oldVersion < n)`
 * step, as SQL migrations are on the server (2: the model lifecycle).
 */
export function openNexoraDb(name = 'nexora'): Promise<Db> {
  return openDB<NexoraDb>(name, 2, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('modelVersions', { keyPath: ['name', 'version'] })
        db.createObjectStore('modelFiles', { keyPath: ['name', 'version', 'path'] })
        db.createObjectStore('modelAliases', { keyPath: ['name', 'alias'] })
        db.createObjectStore('auditEvents', { keyPath: 'seq' })
        db.createObjectStore('auditCheckpoints', { autoIncrement: true })
      }
      if (oldVersion < 2) db.createObjectStore('modelLifecycle', { keyPath: 'name' })
    },
  })
}
