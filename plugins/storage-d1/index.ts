/**
 * Storage on Cloudflare D1: the storage-sql stores (ModelStore, AuditSink, PredictionLog,
 * AdverseEventStore, FeatureStore, optionally RateLimitStore) over a D1 binding through drizzle's D1 dialect.
 * Stands on plugins/sql-stores, never on storage-sql (whose index reaches libSQL and node:*).
 */
import { definePlugin, lazy, type Sha256 } from '../../core/index.ts'
import {
  sqlAdverseEventStore,
  sqlAuditSink,
  sqlFeatureStore,
  sqlHealth,
  sqlModelStore,
  sqlPopulationStore,
  sqlPredictionLog,
  sqlRateLimitStore,
} from '../sql-stores/index.ts'
import type { D1Database } from './d1-types.ts'
import { openD1 } from './executor.ts'
import { applyD1Migrations } from './migrate.ts'

export interface D1StorageOptions {
  /** The D1 binding, e.g. `env.DB`. */
  binding: D1Database
  /**
   * Apply committed migrations that `d1_migrations` does not list yet, once per isolate, before
   * first use (one read when the schema is current). Default true; `wrangler d1 migrations apply`
   * at deploy time records the same table, so the two agree.
   */
  migrate?: boolean
  /** The hash for the audit chain. Default WebCrypto. */
  sha256?: Sha256
  /** Keep rate-limit buckets in D1, shared by every isolate (one write per request). Default false: per isolate, in memory. */
  sharedRateLimits?: boolean
  priority?: number
}

/**
 * The same plugins as `sqlStorage`, on D1. Used by adapters/cloudflare.ts; by hand:
 * @example
 * const nexora = await createNexora({ plugins: [d1Storage({ binding: env.DB }), linearModel()] })
 */
export function d1Storage(options: D1StorageOptions) {
  // One executor per plugin set; a failed migration is not cached, so the next request retries.
  const open = lazy(async () => {
    if (options.migrate !== false) await applyD1Migrations(options.binding)
    return openD1(options.binding)
  })
  const health = sqlHealth
  const priority = options.priority ?? 0
  return [
    definePlugin({
      name: 'd1-model-store',
      provides: 'modelStore',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlModelStore(db), health: health(db) }
      },
    }),
    definePlugin({
      name: 'd1-audit-sink',
      provides: 'auditSink',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlAuditSink(db, { sha256: options.sha256 }), health: health(db) }
      },
    }),
    definePlugin({
      name: 'd1-prediction-log',
      provides: 'predictionLog',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlPredictionLog(db), health: health(db) }
      },
    }),
    definePlugin({
      name: 'd1-adverse-events',
      provides: 'adverseEventStore',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlAdverseEventStore(db), health: health(db) }
      },
    }),
    definePlugin({
      name: 'd1-feature-store',
      provides: 'featureStore',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlFeatureStore(db), health: health(db) }
      },
    }),
    definePlugin({
      name: 'd1-population',
      provides: 'populationStore',
      priority,
      setup: async () => {
        const db = await open()
        return { ...sqlPopulationStore(db), health: health(db) }
      },
    }),
    ...(options.sharedRateLimits
      ? [definePlugin({ name: 'd1-rate-limit-store', provides: 'rateLimitStore', priority, setup: async () => sqlRateLimitStore(await open()) })]
      : []),
  ]
}

export { openD1, D1_MAX_PARAMS } from './executor.ts'
export { applyD1Migrations, type D1Migration } from './migrate.ts'
export { SQLITE_MIGRATIONS } from './_sqlite-migrations.ts'
export type { D1Database, D1PreparedStatement, D1Result } from './d1-types.ts'
