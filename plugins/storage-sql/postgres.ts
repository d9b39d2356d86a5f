import { fileURLToPath } from 'node:url'
import { sql, type SQL } from 'drizzle-orm'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import { lazy } from '../../core/index.ts'
import { chunked, type SqlExecutor, type SqlRunner } from './executor.ts'

const loadPg = lazy(async () => {
  const [pg, { drizzle }, { migrate }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator')])
  return { Pool: pg.default.Pool, types: pg.default.types, drizzle, migrate }
})

const MIGRATIONS = fileURLToPath(new URL('./migrations/postgres', import.meta.url))
/** The advisory lock every writer of the audit chain takes, in any process. */
const CHAIN_LOCK = 0x6e78_6175 // "nxau"

function runner(db: Pick<NodePgDatabase, 'execute'>): SqlRunner {
  return {
    all: async <T>(query: SQL) => (await db.execute(query)).rows as T[],
    run: async (query) => (await db.execute(query)).rowCount ?? 0,
    async insertRows(table, columns, rows) {
      const head = sql.raw(`INSERT INTO ${table} (${columns.join(', ')}) VALUES `)
      for (const chunk of chunked(rows, columns.length)) {
        await db.execute(sql`${head}${sql.join(chunk.map((row) => sql`(${sql.join(row.map((v) => sql`${v}`), sql`, `)})`), sql`, `)}`)
      }
    },
  }
}

/** Connect to PostgreSQL (a `postgres://` URL), apply the committed migrations, and wrap it. */
export async function openPostgres(url: string): Promise<SqlExecutor & { db: NodePgDatabase }> {
  const { Pool, types, drizzle, migrate } = await loadPg()
  // bigint (int8) arrives as a string by default; our sequence numbers fit a double exactly.
  const pool = new Pool({ connectionString: url, max: 8, types: { getTypeParser: (oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : types.getTypeParser(oid, format as 'text')) } as never })
  // An idle pooled connection dropped by the server (restart, failover) must not crash the process.
  pool.on('error', () => {})
  const db = drizzle(pool)
  // Two processes starting together must not both create the tables.
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK + 1})`)
    await migrate(drizzle(pool), { migrationsFolder: MIGRATIONS })
  })
  return {
    dialect: 'postgres',
    db,
    ...runner(db),
    batch: async (queries) => db.transaction(async (tx) => { for (const q of queries) await tx.execute(q) }),
    withChainLock: (fn) => db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`)
      return fn(runner(tx))
    }),
    close: () => pool.end(),
  }
}
