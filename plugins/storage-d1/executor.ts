import { sql, type SQL } from 'drizzle-orm'
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import { chunked, guardExecutor, type SqlExecutor } from '../sql-stores/index.ts'
import type { D1Database } from './d1-types.ts'

/** D1 refuses a statement with more than 100 bound parameters (local Miniflare enforces it too). */
export const D1_MAX_PARAMS = 100

/**
 * The storage-sql `SqlExecutor` over a D1 binding, through drizzle's D1 dialect, so the SQL
 * stores run unchanged on D1.
 *
 * D1 has no interactive transactions (no BEGIN): `batch` is its only atomic unit, so every
 * multi-statement write goes through one D1 `batch`. There is deliberately no `withChainLock`:
 * the audit sink then appends optimistically: it seals a batch against its cached chain head and
 * inserts all of it in one D1 batch; if another isolate took those sequence numbers first, the
 * `seq` primary key fails the whole batch (nothing of it lands), and the sink re-reads the head
 * and re-seals. D1 runs every write on one primary, in order, so this cannot fork the chain.
 * @example
 * const db = openD1(env.DB)
 * const sink = sqlAuditSink(db)
 *
 * Its D1 errors pass through storage-sql's `guardExecutor`: a lost connection or an overloaded or
 * reset database answers `storage.unavailable` (503).
 */
export function openD1(binding: D1Database): SqlExecutor & { db: DrizzleD1Database } {
  const db = drizzle(binding as never)
  // drizzle's D1 `db.batch` cannot carry raw `sql` queries with parameters (drizzle-orm 0.45.4
  // reads `stmt` off the raw query, which has none), so the batch is compiled by drizzle's SQLite
  // dialect and handed to D1's own batch, which is the same single implicit transaction.
  const dialect = new SQLiteAsyncDialect()
  const batch = async (queries: SQL[]) => {
    if (queries.length === 0) return
    await binding.batch(
      queries.map((q) => {
        const { sql: text, params } = dialect.sqlToQuery(q)
        return binding.prepare(text).bind(...params)
      }),
    )
  }
  return guardExecutor({
    dialect: 'sqlite',
    maxParams: D1_MAX_PARAMS,
    db,
    all: <T>(query: SQL) => db.all<T>(query),
    run: async (query) => Number((await db.run(query)).meta?.changes ?? 0),
    batch,
    // Chunks of at most 100 parameters each (7 audit rows), all in one batch: a set of audit
    // events is one commit, as the AuditSink contract requires.
    insertRows: (table, columns, rows, ignore) =>
      batch(
        chunked(rows, columns.length, D1_MAX_PARAMS).map(
          (chunk) =>
            sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns.join(', '))}) VALUES ${sql.join(
              chunk.map(
                (row) =>
                  sql`(${sql.join(
                    row.map((v) => sql`${v}`),
                    sql`, `,
                  )})`,
              ),
              sql`, `,
            )}${sql.raw(ignore ? ' ON CONFLICT DO NOTHING' : '')}`,
        ),
      ),
    // The binding belongs to the Worker's environment; there is no connection to close.
    close: async () => {},
  })
}
