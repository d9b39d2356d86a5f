import type { SQL } from 'drizzle-orm'

/** What the stores need from a SQL database, the same for libSQL and PostgreSQL. */
export interface SqlRunner {
  /** Rows as objects keyed by column name. */
  all<T>(query: SQL): Promise<T[]>
  /** Rows affected. */
  run(query: SQL): Promise<number>
  /**
   * A multi-row INSERT with positional arguments: the fast path for the audit trail. With
   * `ignoreConflicts`, a row whose key is already there is skipped (`ON CONFLICT DO NOTHING`).
   */
  insertRows(table: string, columns: readonly string[], rows: unknown[][], ignoreConflicts?: boolean): Promise<void>
}

export interface SqlExecutor extends SqlRunner {
  dialect: 'sqlite' | 'postgres'
  /** Bound parameters one statement may carry, where lower than the usual tens of thousands (D1: 100). */
  maxParams?: number
  /** Every statement commits, or none does. */
  batch(queries: SQL[]): Promise<void>
  /**
   * Run `fn` in a transaction that holds the audit chain lock, so concurrent writers from any
   * process serialise on the chain head. Undefined where the dialect appends optimistically.
   */
  withChainLock?<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Split rows into chunks that keep under both dialects' bound-parameter limits. */
export function chunked<T>(rows: T[], width: number, maxParams = 30_000): T[][] {
  const size = Math.max(1, Math.floor(maxParams / width))
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
