import { type AuditEventInput, type AuditReceipt, definePlugin, importOptional, lazy, type Sha256 } from '../../core/index.ts'
import type { SqlExecutor } from '../sql-stores/index.ts'
import type { Durability, OpenOptions, openLibsql as openLibsqlNow } from './libsql.ts'

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
  /**
   * libSQL files only: seal and commit the audit chain on a worker thread with its own connection
   * (threaded-append.ts), so the request thread never blocks on a commit. Default false here; the
   * Node server turns it on (`storage.auditThread`).
   */
  auditThread?: boolean
  /**
   * Another process commits the writes (`nexora serve --workers` on a libSQL file: the primary),
   * in place of the thread. Reads stay on this process's connection.
   */
  writer?: SqlWriter
  priority?: number
}

/** Who commits the audit chain's batches and the prediction log's rows when the request thread does not. */
export interface SqlWriter {
  append(events: AuditEventInput[]): Promise<AuditReceipt[]>
  insertRows(table: string, columns: readonly string[], rows: unknown[][]): Promise<void>
  close(): Promise<void>
  /** For /health: where the appends are committed. */
  detail: string
}

/** The database when none is named: a libSQL file in ./data. */
export const DEFAULT_SQL_URL = 'file:./data/nexora.db'

// drizzle-orm and the drivers are optional peers: loaded on first use, and named together when missing.
const importSql = lazy(() => import('./open.ts'))
const driver = (url: string) => (/^postgres(ql)?:\/\//.test(url) ? 'pg' : '@libsql/client')
const loadSql = (url: string) => importOptional(['drizzle-orm', driver(url)], importSql, 'SQL storage')

/** Open the database a URL names: PostgreSQL for postgres:// and postgresql://, libSQL otherwise. */
export async function openSql(url: string, durability: Durability = 'full'): Promise<SqlExecutor> {
  return (await loadSql(url)).openSql(url, durability)
}

/** Open (creating the folder for) a libSQL database and apply the committed migrations. */
export async function openLibsql(url: string, durability: Durability, options?: OpenOptions): ReturnType<typeof openLibsqlNow> {
  return (await loadSql(url)).openLibsql(url, durability, options)
}

/**
 * ModelStore, AuditSink, PredictionLog, AdverseEventStore, FeatureStore and PopulationStore on drizzle-orm: an embedded libSQL
 * file by default, PostgreSQL for scale-out. The plugins share one connection (pool), opened on
 * first setup and closed when all have closed.
 * @example
 * await createNexora({ plugins: [sqlStorage({ url: 'postgres://nexora@db:5432/nexora' }), linearModel()] })
 */
export function sqlStorage(options: SqlStorageOptions = {}) {
  const url = options.url ?? DEFAULT_SQL_URL
  let opening: Promise<SqlExecutor> | undefined
  const load = () => loadSql(url)
  let users = 0
  const acquire = () => {
    users += 1
    opening ??= openSql(url, options.durability)
    return opening
  }
  // The writer (thread or given), shared by the audit sink and the prediction log (libSQL files only).
  let writer: Promise<SqlWriter> | undefined
  const writerThread = () =>
    options.writer
      ? (writer ??= Promise.resolve(options.writer))
      : options.auditThread && /^file:(?!:memory:)/.test(url)
        ? (writer ??= import('./threaded-append.ts').then((m) => m.threadedAppend(url, options.durability ?? 'full')))
        : undefined
  const release = async () => {
    users -= 1
    if (users === 0 && opening) {
      const db = await opening
      opening = undefined
      const thread = writer
      writer = undefined
      await (await thread)?.close()
      await db.close()
    }
  }
  const priority = options.priority ?? 0
  return [
    definePlugin({
      name: 'sql-model-store',
      provides: 'modelStore',
      priority,
      async setup() {
        const [db, { sqlModelStore, sqlHealth }] = await Promise.all([acquire(), load()])
        return { ...sqlModelStore(db), health: sqlHealth(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-audit-sink',
      provides: 'auditSink',
      priority,
      async setup() {
        const [db, { sqlAuditSink, sqlHealth }] = await Promise.all([acquire(), load()])
        const sink = sqlAuditSink(db, { sha256: options.sha256 })
        const threaded = await writerThread()
        if (!threaded) return { ...sink, health: sqlHealth(db), close: release }
        const health = sqlHealth(db)
        return {
          ...sink,
          append: threaded.append,
          health: async () => {
            const state = await health()
            return state.ok ? { ...state, detail: threaded.detail } : state
          },
          close: release,
        }
      },
    }),
    definePlugin({
      name: 'sql-prediction-log',
      provides: 'predictionLog',
      priority,
      async setup() {
        const [db, { sqlPredictionLog, sqlHealth }] = await Promise.all([acquire(), load()])
        const threaded = await writerThread()
        // Reads stay on this connection; the rows go to the writer thread (never a lock wait on the request thread).
        const log = sqlPredictionLog(threaded ? { ...db, insertRows: threaded.insertRows } : db)
        return { ...log, health: sqlHealth(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-feature-store',
      provides: 'featureStore',
      priority,
      async setup() {
        const [db, { sqlFeatureStore, sqlHealth }] = await Promise.all([acquire(), load()])
        return { ...sqlFeatureStore(db), health: sqlHealth(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-population',
      provides: 'populationStore',
      priority,
      async setup() {
        const [db, { sqlPopulationStore, sqlHealth }] = await Promise.all([acquire(), load()])
        return { ...sqlPopulationStore(db), health: sqlHealth(db), close: release }
      },
    }),
    definePlugin({
      name: 'sql-adverse-events',
      provides: 'adverseEventStore',
      priority,
      async setup() {
        const [db, { sqlAdverseEventStore, sqlHealth }] = await Promise.all([acquire(), load()])
        return { ...sqlAdverseEventStore(db), health: sqlHealth(db), close: release }
      },
    }),
    ...(options.sharedRateLimits
      ? [
          definePlugin({
            name: 'sql-rate-limit-store',
            provides: 'rateLimitStore',
            priority,
            async setup() {
              const [db, { sqlRateLimitStore }] = await Promise.all([acquire(), load()])
              return { ...sqlRateLimitStore(db), close: release }
            },
          }),
        ]
      : []),
  ]
}

// The stores themselves live in plugins/sql-stores (shared with storage-d1; it imports drizzle-orm at load).
export type { SqlExecutor } from '../sql-stores/index.ts'
export type { Durability } from './libsql.ts'
