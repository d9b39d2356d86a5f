/**
 * Storage on the device: ModelStore and AuditSink on IndexedDB, for the browser adapter. The
 * audit trail of in-browser scoring never leaves the device unless the user exports it.
 */
import { definePlugin, memoryAdverseEventStore, memoryPredictionLog, type Sha256 } from '../../core/index.ts'
import { idbAuditSink } from './audit-sink.ts'
import { openNexoraDb, type Db } from './database.ts'
import { idbModelStore } from './model-store.ts'

/**
 * @example
 * await createNexora({ plugins: [indexedDbStorage({ name: 'nexora' }), onnxModel()] })
 */
export function indexedDbStorage(options: { name?: string; sha256?: Sha256; priority?: number } = {}) {
  let opening: Promise<Db> | undefined
  const open = () => (opening ??= openNexoraDb(options.name))
  const close = async () => {
    ;(await opening)?.close()
    opening = undefined
  }
  const priority = options.priority ?? 0
  return [
    definePlugin({ name: 'idb-model-store', provides: 'modelStore', priority, setup: async () => ({ ...idbModelStore(await open()), close }) }),
    definePlugin({
      name: 'idb-audit-sink',
      provides: 'auditSink',
      priority,
      setup: async () => ({ ...idbAuditSink(await open(), { sha256: options.sha256 }), close }),
    }),
    // Monitoring in the tab stays in memory: it is per session by nature.
    definePlugin({ name: 'memory-prediction-log', provides: 'predictionLog', priority: -10, setup: () => memoryPredictionLog() }),
    definePlugin({ name: 'memory-adverse-events', provides: 'adverseEventStore', priority: -10, setup: () => memoryAdverseEventStore() }),
  ]
}

export { idbModelStore } from './model-store.ts'
export { idbAuditSink } from './audit-sink.ts'
export { openNexoraDb, type Db, type NexoraDb } from './database.ts'
