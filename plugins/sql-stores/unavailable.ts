import type { SQL } from 'drizzle-orm'
import { NexoraError } from '../../core/index.ts'
import type { SqlExecutor, SqlRunner } from './executor.ts'

/**
 * PostgreSQL SQLSTATEs that mean "the database cannot serve you right now", not "your statement is
 * wrong": class 08 (connection exception), 57P01–57P03 (administrator or crash shutdown, cannot
 * connect now), class 53 (too many connections, disk full, out of memory), class 58 (I/O error)
 * and 25006 (read-only transaction: a failover left us on a standby).
 */
const PG_STATES = /^(08...|57P0[123]|53...|58...|25006)$/
/** Socket errors from the driver's connection (Node, Deno and Bun use the same names). */
const SOCKET_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EADDRNOTAVAIL)$/
/**
 * libSQL: a lock still held after busy_timeout, I/O failure, a full disk, a file that cannot be
 * opened; remote libSQL's transport errors; a client already closed (shutting down).
 */
const LIBSQL_CODES = /^(SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|NOMEM|PROTOCOL)(_\w+)?|HRANA_WEBSOCKET_ERROR|HRANA_CLOSED_ERROR|SERVER_ERROR|CLIENT_CLOSED)$/
/**
 * Errors that carry no code: node-postgres and pg-pool's own (a dropped or dead connection, a
 * connect timeout, a pool already ended) and Cloudflare D1's transient ones (a lost connection,
 * an overloaded or reset database object).
 */
const MESSAGES = new RegExp(
  String.raw`Connection terminated|not queryable|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end` +
    String.raw`|server closed the connection|Network connection lost|D1 DB is overloaded|exceeded timeout|object to be reset|D1 DB reset|transient issue`,
  'i',
)

/** Every error in a cause chain (drizzle wraps the driver's error in `cause`) and an AggregateError's members. */
function* chain(error: unknown, depth = 0): Generator<{ code?: unknown; message?: unknown }> {
  if (!error || typeof error !== 'object' || depth > 6) return
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
  yield e
  yield* chain(e.cause, depth + 1)
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1)
}

/**
 * Whether an error from a SQL driver means the database is unreachable or refusing work for now
 * (a restart, a dropped connection, a full disk) rather than a fault in the statement or the data.
 * @example
 * isStorageUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })) // true
 */
export function isStorageUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e instanceof NexoraError) return e.code === 'storage.unavailable'
    const code = typeof e.code === 'string' ? e.code : ''
    if (PG_STATES.test(code) || SOCKET_CODES.test(code) || LIBSQL_CODES.test(code)) return true
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true
  }
  return false
}

/**
 * The storage boundary's one error mapping: an outage becomes `storage.unavailable` (503, with a
 * Retry-After), so every store answers it the same way. Anything else passes unchanged: a constraint
 * violation is the store's to interpret, and a real bug should stay a 500. The detail never
 * carries the driver's text (it may quote the statement and its parameters).
 */
export function toStorageError(error: unknown): unknown {
  if (error instanceof NexoraError || !isStorageUnavailable(error)) return error
  return new NexoraError('storage.unavailable', {
    detail: 'the database is unreachable or restarting; retry shortly',
    cause: error,
    headers: { 'Retry-After': '1' },
  })
}

const mapped = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work()
  } catch (error) {
    throw toStorageError(error)
  }
}

const guardRunner = (db: SqlRunner): SqlRunner => ({
  all: (query) => mapped(() => db.all(query)),
  run: (query) => mapped(() => db.run(query)),
  insertRows: (table, columns, rows, ignore) => mapped(() => db.insertRows(table, columns, rows, ignore)),
})

/**
 * An executor whose every statement, batch and transaction maps driver outages through
 * `toStorageError`. `openSql` and `openD1` return guarded executors, so each store (models, audit,
 * rate limits, prediction log, adverse events, health) gets the mapping without a call site of its own.
 * @example
 * const db = guardExecutor(await openPostgres(url))
 */
export function guardExecutor<E extends SqlExecutor>(db: E): E {
  const withChainLock = db.withChainLock?.bind(db)
  // Descriptors, not a spread: an executor may expose its current connection through a getter.
  const guarded = Object.defineProperties({}, Object.getOwnPropertyDescriptors(db)) as E
  return Object.assign(guarded, {
    ...guardRunner(db),
    batch: (queries: SQL[]) => mapped(() => db.batch(queries)),
    ...(withChainLock ? { withChainLock: <T>(fn: (tx: SqlRunner) => Promise<T>) => mapped(() => withChainLock((tx) => fn(guardRunner(tx)))) } : {}),
  })
}
