import { fileURLToPath } from 'node:url'
import { sql, type SQL } from 'drizzle-orm'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { Pool, PoolClient } from 'pg'
import { importOptional, lazy } from '../../core/index.ts'
import { chunked, guardExecutor, type SqlExecutor, type SqlRunner } from '../sql-stores/index.ts'

const loadPg = lazy(async () => {
  const [pg, { drizzle }, { migrate }] = await importOptional(
    'pg',
    () => Promise.all([import('pg'), import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator')]),
    'PostgreSQL storage (postgres: URLs)',
  )
  return { Pool: pg.default.Pool, types: pg.default.types, drizzle, migrate }
})

const MIGRATIONS = fileURLToPath(new URL('./migrations/postgres', import.meta.url))
/** The advisory lock every writer of the audit chain takes, in any process. */
const CHAIN_LOCK = 0x6e78_6175 // "nxau"

function runner(db: Pick<NodePgDatabase, 'execute'> & { $client?: unknown }): SqlRunner {
  return {
    all: async <T>(query: SQL) => (await db.execute(query)).rows as T[],
    run: async (query) => (await db.execute(query)).rowCount ?? 0,
    // Positional parameters straight to node-postgres: no SQL object per value (the audit trail's and staging's hot path).
    async insertRows(table, columns, rows, ignore) {
      const client = db.$client as unknown as { query(text: string, values: unknown[]): Promise<unknown> }
      for (const chunk of chunked(rows, columns.length)) {
        let n = 0
        const tuples = chunk.map((row) => `(${row.map(() => `$${++n}`).join(',')})`).join(',')
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples}${ignore ? ' ON CONFLICT DO NOTHING' : ''}`, chunk.flat())
      }
    },
  }
}

/**
 * One transaction on a client of its own. Unlike drizzle's `transaction`, a failed BEGIN still
 * releases the client (a leaked client per failed BEGIN would exhaust the pool during an outage
 * and never recover), and a client whose connection died (its ROLLBACK fails too) is destroyed
 * with `release(error)` instead of going back to the pool.
 */
async function inTransaction<T>(pool: Pool, wrap: (client: PoolClient) => SqlRunner, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let dead: Error | undefined
  try {
    await client.query('BEGIN')
    const result = await fn(wrap(client))
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      dead = rollbackError
    })
    throw error
  } finally {
    client.release(dead)
  }
}

/** Connect to PostgreSQL (a `postgres://` URL), apply the committed migrations, and wrap it (outages answer `storage.unavailable`). */
export async function openPostgres(url: string): Promise<SqlExecutor & { db: NodePgDatabase }> {
  const { Pool, types, drizzle, migrate } = await loadPg()
  const pool = new Pool({
    connectionString: url,
    max: 8,
    // A blackholed server fails a request within this instead of hanging it; keep-alive notices a dead peer on an idle connection.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    // bigint (int8) arrives as a string by default; our sequence numbers fit a double exactly.
    types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : types.getTypeParser(oid, format as 'text')) } as never,
  })
  // node-postgres emits 'error' when a connection drops (a restart, pg_terminate_backend, a reset):
  // on the pool for an idle client, on the client itself while it is checked out (pg-pool removes
  // its own listener for that time, and a transaction holds its client across statements).
  // Unheard, either event kills the process. The query in flight still rejects, and a client that
  // is no longer queryable is dropped on release, so these listeners only keep the process alive.
  pool.on('error', () => {})
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  const db = drizzle(pool)
  const wrap = (client: PoolClient) => runner(drizzle(client))
  // Two processes starting together must not both create the tables.
  await inTransaction(pool, wrap, async (tx) => {
    await tx.run(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK + 1})`)
    await migrate(drizzle(pool), { migrationsFolder: MIGRATIONS })
  })
  return guardExecutor({
    dialect: 'postgres',
    db,
    ...runner(db),
    batch: (queries) =>
      inTransaction(pool, wrap, async (tx) => {
        for (const q of queries) await tx.run(q)
      }),
    withChainLock: (fn) =>
      inTransaction(pool, wrap, async (tx) => {
        await tx.run(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`)
        return fn(tx)
      }),
    close: () => pool.end(),
  })
}
