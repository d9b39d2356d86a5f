import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client, InArgs, InStatement, Transaction } from '@libsql/client'
import type { SQL } from 'drizzle-orm'
import type { LibSQLDatabase } from 'drizzle-orm/libsql'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import { importOptional, lazy, serial } from '../../core/index.ts'
import { chunked, guardExecutor, isStorageUnavailable, type SqlExecutor, type SqlRunner } from '../sql-stores/index.ts'

export type LibsqlDb = LibSQLDatabase & { $client: Client }
const dialect = new SQLiteAsyncDialect()
const statement = (query: SQL): InStatement => {
  const { sql, params } = dialect.sqlToQuery(query)
  return { sql, args: params as InArgs }
}

/** A multi-row INSERT per chunk of rows, with positional arguments (no SQL object per value: the audit trail's hot path). */
const insertStatements = (table: string, columns: readonly string[], rows: unknown[][], ignoreConflicts = false): InStatement[] => {
  const row = `(${columns.map(() => '?').join(',')})`
  const tail = ignoreConflicts ? ' ON CONFLICT DO NOTHING' : ''
  return chunked(rows, columns.length).map((chunk) => ({
    sql: `INSERT INTO ${table} (${columns.join(',')}) VALUES ${chunk.map(() => row).join(',')}${tail}`,
    args: chunk.flat() as InArgs,
  }))
}

/** The stores' runner inside one libSQL transaction. */
const transactionRunner = (tx: Transaction): SqlRunner => ({
  all: async <T>(query: SQL) => (await tx.execute(statement(query))).rows as T[],
  run: async (query) => (await tx.execute(statement(query))).rowsAffected,
  insertRows: async (table, columns, rows, ignore) => void (await tx.batch(insertStatements(table, columns, rows, ignore))),
})

/**
 * `full` fsyncs every commit (survives power loss); `normal` relies on the WAL and survives
 * a process crash but may lose the last commits on power loss. Group commit makes `full` cheap.
 */
export type Durability = 'full' | 'normal'

export interface OpenOptions {
  /**
   * The connection is one process's only audit writer (the writer thread, the `--workers` primary):
   * it gets the chain lock, and its operations run one at a time.
   */
  soleWriter?: boolean
}

const loadLibsql = lazy(async () => {
  const [{ createClient }, { drizzle }, { migrate }] = await importOptional(
    '@libsql/client',
    () => Promise.all([import('@libsql/client'), import('drizzle-orm/libsql'), import('drizzle-orm/libsql/migrator')]),
    'libSQL storage (file: and libsql: URLs)',
  )
  return { createClient, drizzle, migrate }
})

const MIGRATIONS = fileURLToPath(new URL('./migrations/sqlite', import.meta.url))

/** Open (creating the folder for) a libSQL database, apply the committed migrations, and wrap it (outages answer `storage.unavailable`). */
export async function openLibsql(url: string, durability: Durability, options: OpenOptions = {}): Promise<SqlExecutor & { db: LibsqlDb }> {
  const { createClient, drizzle, migrate } = await loadLibsql()
  const memory = url === ':memory:' || url === 'file::memory:'
  if (url.startsWith('file:') && !memory) {
    await mkdir(dirname(fileURLToPath(new URL(url, `file://${process.cwd()}/`))), { recursive: true })
  }
  const connect = async () => {
    // One connection: the synchronous pragma is per connection, and group commit serialises writes anyway.
    const client = createClient({ url, concurrency: 1 })
    try {
      // Wait for a lock instead of failing at once: another process may be switching the file to WAL
      // or migrating it at the same moment.
      await client.execute('PRAGMA busy_timeout = 5000')
      if (!memory) await client.execute('PRAGMA journal_mode = WAL')
      await client.execute(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
    } catch (error) {
      client.close()
      throw error
    }
    return { client, db: drizzle(client) as LibsqlDb }
  }
  let conn = await connect()
  let closed = false
  // Two processes can both read "nothing applied" and race to create the tables; the loser
  // retries on a fresh connection and then finds the migrations recorded.
  for (let attempt = 0; ; attempt++) {
    try {
      await migrate(conn.db, { migrationsFolder: MIGRATIONS })
      break
    } catch (error) {
      if (attempt >= 5) throw error
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)))
      if (!memory) {
        conn.client.close()
        conn = await connect()
      }
    }
  }

  // After an outage error the connection is replaced, never reused: a BEGIN that failed with
  // SQLITE_BUSY stays active in the native driver, and every later COMMIT on that connection fails
  // ("cannot commit transaction - SQL statements in progress"), so one lock held past busy_timeout
  // by another process would stop every write for good. An in-memory database is its connection.
  let renewing: Promise<void> | undefined
  const renew = (failed: typeof conn) => {
    if (memory || closed || failed !== conn) return
    renewing ??= connect()
      .then(
        (fresh) => {
          conn = fresh
          failed.client.close()
        },
        () => {},
      )
      .finally(() => {
        renewing = undefined
      })
  }
  // A sole writer's operations run one at a time: a chain-lock transaction spans several awaits,
  // and anything else sent on the connection meanwhile would land inside it.
  const queue = options.soleWriter ? serial() : <T>(task: () => Promise<T>) => task()
  const use = <T>(work: (c: typeof conn) => Promise<T>): Promise<T> => queue(() => runOnConnection(work))
  const runOnConnection = async <T>(work: (c: typeof conn) => Promise<T>): Promise<T> => {
    if (renewing) await renewing
    const current = conn
    try {
      return await work(current)
    } catch (error) {
      if (isStorageUnavailable(error)) renew(current)
      throw error
    }
  }
  return guardExecutor({
    dialect: 'sqlite',
    /** The current connection's drizzle database (it changes when a failed connection is replaced). */
    get db() {
      return conn.db
    },
    all: <T>(query: SQL) => use(({ db }) => db.all<T>(query)),
    run: (query) => use(async ({ db }) => (await db.run(query)).rowsAffected),
    batch: (queries) =>
      use(async ({ db }) => {
        if (queries.length) await db.batch(queries.map((q) => db.run(q)) as [ReturnType<typeof db.run>])
      }),
    insertRows: (table, columns, rows, ignore) =>
      use(async ({ client }) => {
        await client.batch(insertStatements(table, columns, rows, ignore), 'write')
      }),
    // The sole writer's chain lock is a write transaction (BEGIN IMMEDIATE): the head is read and the batch
    // inserted under the file's write lock, so writers in several processes (`nexora serve --workers`, CLI
    // commands) take turns instead of sealing on a stale head and retrying. Not on a shared connection: while a
    // transaction holds the client's one connection, @libsql/client refuses every other statement.
    ...(options.soleWriter
      ? {
          withChainLock: <T>(fn: (tx: SqlRunner) => Promise<T>) =>
            use(async ({ client }) => {
              const tx = await client.transaction('write')
              try {
                const result = await fn(transactionRunner(tx))
                await tx.commit()
                return result
              } finally {
                tx.close()
              }
            }),
        }
      : {}),
    close: async () => {
      closed = true
      await renewing
      conn.client.close()
    },
  })
}
