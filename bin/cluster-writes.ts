/**
 * `--workers` on a libSQL file: one writer for every process. SQLite lets one connection write at a
 * time, and a connection that finds the file locked sleeps (1, 2, 5, 10… ms) before it looks again,
 * so N processes each committing their own batches spent their time waiting for each other (two
 * workers served fewer requests than one; docs/performance.md). Instead the workers send their
 * audit batches and prediction-log rows to the primary over the cluster channel, and the primary
 * commits what has queued up from all of them in one transaction (group commit across processes),
 * on the one audit chain. PostgreSQL needs none of this: its writers queue on an advisory lock.
 */
import cluster, { type Worker } from 'node:cluster'
import { createHash } from 'node:crypto'
import { type AuditEventInput, type AuditReceipt, NexoraError } from '../core/index.ts'
import { sqlAuditSink } from '../plugins/sql-stores/index.ts'
import { DEFAULT_SQL_URL, openLibsql, type SqlWriter } from '../plugins/storage-sql/index.ts'

type Insert = { table: string; columns: string[]; rows: unknown[][] }
type Request = { nexoraWrite: number; events?: AuditEventInput[]; insert?: Insert }
type Reply = { nexoraWrite: number; receipts?: AuditReceipt[]; error?: { code: string; message: string } }

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

/** Whether `--workers` should write through the primary: a libSQL file (not memory, not PostgreSQL). */
export const writesThroughPrimary = (url = DEFAULT_SQL_URL) => /^file:(?!:memory:)/.test(url)

/** The primary's side: commit the workers' writes as they arrive, batching whatever queued during the last commit. */
export async function serveWrites(url = DEFAULT_SQL_URL, durability: 'full' | 'normal' = 'full') {
  const db = await openLibsql(url, durability, { soleWriter: true })
  const sink = sqlAuditSink(db, { sha256 })
  // The prediction log's rows on a second connection without an fsync per commit (WAL, synchronous=NORMAL):
  // the next audit commit's fsync carries them; a power cut may drop the last ones, never an audit event.
  const logDb = await openLibsql(url, 'normal')
  let queue: { worker: Worker; request: Request }[] = []
  let running: Promise<void> | undefined

  const reply = (to: (typeof queue)[number], body: Omit<Reply, 'nexoraWrite'>) => {
    if (to.worker.isConnected()) to.worker.send({ nexoraWrite: to.request.nexoraWrite, ...body } satisfies Reply)
  }
  const fail = (items: typeof queue, error: unknown) => {
    const { code, message } = error as { code?: unknown; message?: unknown }
    for (const item of items) reply(item, { error: { code: String(code ?? ''), message: String(message ?? error) } })
  }

  async function commit(batch: typeof queue) {
    const audits = batch.filter((b) => b.request.events)
    try {
      const receipts = await sink.append(audits.flatMap((b) => b.request.events!))
      let at = 0
      for (const item of audits) {
        const n = item.request.events!.length
        reply(item, { receipts: receipts.slice(at, at + n) })
        at += n
      }
    } catch (error) {
      fail(audits, error)
    }
    const byTable = new Map<string, typeof queue>()
    for (const b of batch.filter((b) => b.request.insert)) {
      const key = `${b.request.insert!.table}(${b.request.insert!.columns.join()})`
      byTable.set(key, [...(byTable.get(key) ?? []), b])
    }
    for (const items of byTable.values()) {
      const { table, columns } = items[0]!.request.insert!
      try {
        await logDb.insertRows(
          table,
          columns,
          items.flatMap((b) => b.request.insert!.rows),
        )
        for (const item of items) reply(item, { receipts: [] })
      } catch (error) {
        fail(items, error)
      }
    }
  }

  const drain = async () => {
    while (queue.length) {
      const batch = queue
      queue = []
      await commit(batch)
    }
    running = undefined
  }
  const onMessage = (worker: Worker, message: unknown) => {
    const request = message as Request
    if (typeof request?.nexoraWrite !== 'number') return
    queue.push({ worker, request })
    running ??= drain()
  }
  cluster.on('message', onMessage)
  return {
    async close() {
      cluster.off('message', onMessage)
      await running
      await Promise.all([db.close(), logDb.close()])
    },
  }
}

/** A worker's side: its writes go to the primary; a lost primary fails them (`storage.unavailable`) and ends the worker. */
export function primaryWriter(): SqlWriter {
  let next = 1
  const pending = new Map<number, { resolve(r: AuditReceipt[]): void; reject(e: Error): void }>()
  process.on('message', (message: Reply) => {
    if (typeof message?.nexoraWrite !== 'number') return
    const p = pending.get(message.nexoraWrite)
    pending.delete(message.nexoraWrite)
    if (message.error) p?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }))
    else p?.resolve(message.receipts ?? [])
  })
  // Without the primary nothing commits and no connection arrives: answer what waits, and stop.
  process.once('disconnect', () => {
    for (const p of pending.values()) p.reject(new NexoraError('storage.unavailable', { detail: 'the primary process is gone' }))
    pending.clear()
    process.exitCode = 1
    setTimeout(() => process.exit(1), 100).unref()
  })
  const send = (body: Omit<Request, 'nexoraWrite'>) =>
    new Promise<AuditReceipt[]>((resolve, reject) => {
      const id = next++
      pending.set(id, { resolve, reject })
      process.send!({ nexoraWrite: id, ...body } satisfies Request, undefined, undefined, (error: Error | null) => {
        if (!error) return
        pending.delete(id)
        reject(new NexoraError('storage.unavailable', { detail: 'the primary process is gone', cause: error }))
      })
    })
  return {
    detail: 'appends committed by the primary process for every worker',
    append: (events) => send({ events }),
    insertRows: async (table, columns, rows) => void (await send({ insert: { table, columns: [...columns], rows } })),
    close: async () => {},
  }
}
