/**
 * The writer thread (see threaded-append.ts): its own libSQL connection to the same file, sealing
 * each audit batch (hash chain) and committing it, and committing the prediction log's rows, so
 * the request thread neither hashes nor waits for an insert, a lock or an fsync. Messages:
 * `{ id, events }` → `{ id, receipts }`, `{ id, insert: { table, columns, rows } }` → `{ id,
 * receipts: [] }`, or `{ id, error }`; `{ close: true }` closes the connection and ends the thread.
 */
import { createHash } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'
import type { AuditEventInput } from '../../core/index.ts'
import { isStorageUnavailable, sqlAuditSink } from '../sql-stores/index.ts'
import { type Durability, openLibsql } from './libsql.ts'

const { url, durability } = workerData as { url: string; durability: Durability }
const port = parentPort!
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

try {
  const db = await openLibsql(url, durability, { soleWriter: true })
  const sink = sqlAuditSink(db, { sha256 })
  type Insert = { table: string; columns: string[]; rows: unknown[][] }
  port.on('message', async (message: { id: number; events: AuditEventInput[] } | { id: number; insert: Insert } | { close: true }) => {
    if ('close' in message) {
      await db.close().catch(() => {})
      port.close()
      return
    }
    try {
      if ('insert' in message) {
        const { table, columns, rows } = message.insert
        await db.insertRows(table, columns, rows)
        port.postMessage({ id: message.id, receipts: [] })
      } else port.postMessage({ id: message.id, receipts: await sink.append(message.events) })
    } catch (error) {
      // Errors do not cross threads whole: keep what the request thread classifies them by. Never the events.
      const { code, message: text } = error as { code?: unknown; message?: unknown }
      port.postMessage({ id: message.id, error: { code: String(code ?? ''), message: String(text ?? error), unavailable: isStorageUnavailable(error) } })
    }
  })
  port.postMessage({ ready: true })
} catch (error) {
  port.postMessage({ failed: { message: String((error as Error)?.message ?? error), unavailable: isStorageUnavailable(error) } })
}
