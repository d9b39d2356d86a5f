import type { Sha256 } from '../digest.ts'
import { definePlugin } from '../plugin/define-plugin.ts'
import { memoryAdverseEventStore } from './adverse-event-store.ts'
import { memoryAuditSink } from './audit-sink.ts'
import { memoryModelStore } from './model-store.ts'
import { memoryPopulationStore } from './population-store.ts'
import { memoryPredictionLog } from './prediction-log.ts'

/**
 * ModelStore, AuditSink, PredictionLog, AdverseEventStore and PopulationStore in memory, as plugins: for tests and throwaway embeds.
 * Nothing survives the process; use `plugins/storage-sql` for anything real.
 * @example
 * await createNexora({ plugins: [memoryStorage(), linearModel()] })
 */
export function memoryStorage(options: { priority?: number; sha256?: Sha256 } = {}) {
  const priority = options.priority ?? -10
  return [
    definePlugin({ name: 'memory-model-store', provides: 'modelStore', priority, setup: () => memoryModelStore() }),
    definePlugin({ name: 'memory-audit-sink', provides: 'auditSink', priority, setup: () => memoryAuditSink({ sha256: options.sha256 }) }),
    definePlugin({ name: 'memory-prediction-log', provides: 'predictionLog', priority, setup: () => memoryPredictionLog() }),
    definePlugin({ name: 'memory-adverse-events', provides: 'adverseEventStore', priority, setup: () => memoryAdverseEventStore() }),
    definePlugin({ name: 'memory-population', provides: 'populationStore', priority, setup: () => memoryPopulationStore() }),
  ]
}
