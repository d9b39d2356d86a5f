import { definePlugin, type Sha256 } from '../../core/index.ts'
import { sqlAdverseEventStore, sqlAuditSink, sqlHealth, sqlModelStore, sqlPredictionLog, sqlRateLimitStore, type SqlExecutor } from '../sql-stores/index.ts'
import { openLibsql, type Durability } from './libsql.ts'

export interface SqlStorageOptions {
  /**
   * `file:./data/nexora.db` (the default) or `:memory:` for libSQL;
   * `postgres://user@host:port/db` for PostgreSQL.
   */
  url?: string
  /** libSQL only; see Durability. Default `full`. */
  durability?: Durability
  /** The hash for the audit chain (default WebCrypto); the Node adapter passes node:crypto's. */
  sha256?: Sha256
  /**
   * Keep rate-limit buckets in the database so replicas share them (one UPSERT per request).
   * Default false: a single process keeps them in memory, off the database.
   */
  sharedRateLimits?: boolean
  priority?: number
}

/** Open the database a URL names: PostgreSQL for postgres:// and postgresql://, libSQL otherwise. */
export async function openSql(url: string, durability: Durability = 'full'): Promise<SqlExecutor> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgres } = await import('./postgres.ts')
    return openPostgres(url)
  }
  return openLibsql(url, durability)
}

/**
 * ModelStore, AuditSink, PredictionLog and AdverseEventStore on drizzle-orm: an embedded libSQL
 * file by default, PostgreSQL for scale-out. The plugins share one connection (pool), opened on
 * first setup and closed when all have closed.
 * @example
 * await createNexora({ plugins: [sqlStorage({ url: 'postgres://nexora@db:5432/nexora' }), linearModel()] })
 */
export function sqlStorage(options: SqlStorageOptions = {}) {
  const url = options.url ?? 'file:./data/nexora.db'
  let opening: Promise<SqlExecutor> | undefined
  let users = 0
  const acquire = () => {
    users += 1
    opening ??= openSql(url, options.durability)
    return opening
  }
  const release = async () => {
    users -= 1
    if (users === 0 && opening) {
      const db = await opening
      opening = undefined
      await db.close()
    }
  }
  const health = sqlHealth
  const priority = options.priority ?? 0
  return [
    definePlugin({
      name: 'sql-model-store',
      provides: 'modelStore',
      priority,
      async setup() {
        const db = await acquire()
        return { ...sqlModelStore(db), health: health(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-audit-sink',
      provides: 'auditSink',
      priority,
      async setup() {
        const db = await acquire()
        return { ...sqlAuditSink(db, { sha256: options.sha256 }), health: health(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-prediction-log',
      provides: 'predictionLog',
      priority,
      async setup() {
        const db = await acquire()
        return { ...sqlPredictionLog(db), health: health(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-adverse-events',
      provides: 'adverseEventStore',
      priority,
      async setup() {
        const db = await acquire()
        return { ...sqlAdverseEventStore(db), health: health(db), close: release }
      },
    }),
    ...(options.sharedRateLimits
      ? [
          definePlugin({
            name: 'sql-rate-limit-store',
            provides: 'rateLimitStore',
            priority,
            async setup() {
              return { ...sqlRateLimitStore(await acquire()), close: release }
            },
          }),
        ]
      : []),
  ]
}

// The stores themselves live in plugins/sql-stores (shared with storage-d1); re-exported so callers keep one import.
export { sqlModelStore, sqlRateLimitStore, sqlAuditSink, sqlPredictionLog, sqlAdverseEventStore } from '../sql-stores/index.ts'
export { openLibsql, type Durability } from './libsql.ts'
export type { SqlExecutor } from '../sql-stores/index.ts'
export { guardExecutor, isStorageUnavailable, toStorageError } from '../sql-stores/index.ts'
