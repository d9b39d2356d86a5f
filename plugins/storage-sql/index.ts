import { definePlugin, type PortHealth, type Sha256 } from '../../core/index.ts'
import { sqlAuditSink } from './audit-sink.ts'
import { openLibsql, type Durability, type SqlConnection } from './connection.ts'
import { sqlModelStore } from './model-store.ts'

export interface SqlStorageOptions {
  /** A libSQL URL: `file:./data/nexora.db` (the default) or `:memory:`. */
  url?: string
  /** See Durability. Default `full`. */
  durability?: Durability
  /** The hash for the audit chain (default WebCrypto); the Node adapter passes node:crypto's. */
  sha256?: Sha256
  priority?: number
}

/**
 * ModelStore and AuditSink on drizzle-orm + libSQL: an embedded SQLite file by default.
 * The two plugins share one connection, opened lazily on first setup and closed when both close.
 * @example
 * await createNexora({ plugins: [sqlStorage({ url: 'file:./data/nexora.db' }), linearModel()] })
 */
export function sqlStorage(options: SqlStorageOptions = {}) {
  const url = options.url ?? 'file:./data/nexora.db'
  let opening: Promise<SqlConnection> | undefined
  let users = 0
  const acquire = () => {
    users += 1
    opening ??= openLibsql(url, options.durability ?? 'full')
    return opening
  }
  const release = async () => {
    users -= 1
    if (users === 0 && opening) {
      const connection = await opening
      opening = undefined
      connection.close()
    }
  }
  const health = (connection: SqlConnection) => async (): Promise<PortHealth> => {
    try {
      await connection.db.run('select 1')
      return { ok: true }
    } catch {
      return { ok: false, detail: 'database unreachable' }
    }
  }
  const priority = options.priority ?? 0
  return [
    definePlugin({
      name: 'sql-model-store', provides: 'modelStore', priority,
      async setup() {
        const connection = await acquire()
        return { ...sqlModelStore(connection.db), health: health(connection), close: release }
      },
    }),
    definePlugin({
      name: 'sql-audit-sink', provides: 'auditSink', priority,
      async setup() {
        const connection = await acquire()
        return { ...sqlAuditSink(connection.db, { sha256: options.sha256 }), health: health(connection), close: release }
      },
    }),
  ]
}

export { sqlModelStore } from './model-store.ts'
export { sqlAuditSink } from './audit-sink.ts'
export { openLibsql, type Durability } from './connection.ts'
