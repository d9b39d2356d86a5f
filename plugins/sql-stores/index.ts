/**
 * The SQL port implementations (ModelStore, AuditSink, RateLimitStore, PredictionLog,
 * AdverseEventStore, health), written once with drizzle's `sql` template over a small executor.
 * No plugin of its own: `storage-sql` (libSQL, PostgreSQL) and `storage-d1` (Cloudflare D1) both
 * stand on it, and neither reaches into the other. Imports no runtime module, so it bundles for Workers.
 *
 * @example
 * import { sqlModelStore, guardExecutor } from 'nexora/plugins/sql-stores'
 * const models = sqlModelStore(guardExecutor(myExecutor))
 */
export { chunked, type SqlExecutor, type SqlRunner } from './executor.ts'
export { guardExecutor, isStorageUnavailable, toStorageError } from './unavailable.ts'
export { sqlModelStore } from './model-store.ts'
export { sqlAuditSink } from './audit-sink.ts'
export { sqlHealth } from './health.ts'
export { sqlPredictionLog } from './prediction-log.ts'
export { sqlRateLimitStore } from './rate-limit-store.ts'
export { sqlAdverseEventStore } from './adverse-event-store.ts'
export { sqlFeatureStore } from './feature-store.ts'
export { sqlPopulationStore } from './population-store.ts'
