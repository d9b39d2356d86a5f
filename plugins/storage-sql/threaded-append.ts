/**
 * libSQL's engine is synchronous: on the request thread every commit (insert plus fsync) blocks
 * the event loop, about 30% of a loaded server's time (docs/performance.md), and with `--workers`
 * a commit also waits (asleep, the loop blocked) for another process's write lock. This moves the
 * audit chain's appends and the prediction log's inserts to a worker thread that owns a second
 * connection to the same file; the request thread posts a batch and awaits its receipts, so
 * nothing is answered before its events are committed, exactly as before. Reads (query, verify, checkpoints) stay on the request thread's
 * connection; WAL lets them run beside the writer. A thread that dies fails the batches in flight
 * (`storage.unavailable`) and the next batch starts a new one.
 */
import { Worker } from 'node:worker_threads'
import { type AuditEventInput, type AuditReceipt, NexoraError } from '../../core/index.ts'
import type { SqlWriter } from './index.ts'
import type { Durability } from './libsql.ts'

interface Pending {
  resolve(receipts: AuditReceipt[]): void
  reject(error: Error): void
}
type Reply =
  | { id: number; receipts: AuditReceipt[] }
  | { id: number; error: { code: string; message: string; unavailable: boolean } }
  | { ready: true }
  | { failed: { message: string; unavailable: boolean } }

/** The worker's module, as a sibling of this one (`.ts` in a checkout, `.js` in the built package). */
const entry = new URL(import.meta.url.endsWith('.ts') ? './audit-thread.ts' : './audit-thread.js', import.meta.url)

/**
 * Node cannot run a `.ts` worker by itself: in a checkout the thread first registers tsx's loader
 * (as bin/nexora.mjs does on the request thread), then imports the entry. The built package runs
 * the `.js` entry directly, as do Deno and Bun.
 */
async function spawn(workerData: unknown): Promise<Worker> {
  const node = !('Deno' in globalThis) && !('Bun' in globalThis)
  if (!node || !entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData })
  const [{ createRequire }, { readFile }] = await Promise.all([import('node:module'), import('node:fs/promises')])
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json')
  const exports = JSON.parse(await readFile(manifest, 'utf8')).exports as Record<string, { import: { default: string } }>
  const api = new URL(exports['./esm/api']!.import.default, `file://${manifest}`).href
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}) })`
  return new Worker(boot, { eval: true, workerData })
}

const toError = (e: { code?: string; message: string; unavailable: boolean }) =>
  e.unavailable
    ? new NexoraError('storage.unavailable', { detail: 'the audit writer thread could not commit' })
    : Object.assign(new Error(e.message), { code: e.code })

export function threadedAppend(url: string, durability: Durability): SqlWriter {
  let worker: Promise<Worker> | undefined
  let nextId = 1
  const pending = new Map<number, Pending>()

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error)
    pending.clear()
  }
  const start = async () => {
    const w = await spawn({ url, durability })
    await new Promise<void>((resolve, reject) => {
      w.on('message', (reply: Reply) => {
        if ('ready' in reply) return resolve()
        if ('failed' in reply) return reject(toError({ ...reply.failed }))
        const p = pending.get(reply.id)
        pending.delete(reply.id)
        if ('receipts' in reply) p?.resolve(reply.receipts)
        else p?.reject(toError(reply.error))
      })
      // An uncaught error in the thread: its batches fail now, and 'exit' follows.
      w.on('error', (error) => {
        failAll(new NexoraError('storage.unavailable', { detail: 'the audit writer thread failed', cause: error }))
        reject(error)
      })
      w.once('exit', (code) => {
        worker = undefined
        const error = new NexoraError('storage.unavailable', { detail: `the audit writer thread exited (${code})` })
        failAll(error)
        reject(error)
      })
    })
    return w
  }
  const running = () => {
    worker ??= start().catch((error: unknown) => {
      worker = undefined
      throw error
    })
    return worker
  }

  const send = async (message: { events: AuditEventInput[] } | { insert: { table: string; columns: readonly string[]; rows: unknown[][] } }) => {
    const w = await running()
    const id = nextId++
    return new Promise<AuditReceipt[]>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      w.postMessage({ id, ...message })
    })
  }

  return {
    detail: 'appends committed by the audit writer thread',
    append: (events: AuditEventInput[]): Promise<AuditReceipt[]> => send({ events }),
    /** A multi-row INSERT committed by the thread (the prediction log's rows). */
    insertRows: async (table: string, columns: readonly string[], rows: unknown[][]): Promise<void> => void (await send({ insert: { table, columns, rows } })),
    async close() {
      const w = await worker?.catch(() => undefined)
      if (!w) return
      const exited = new Promise((r) => w.once('exit', r))
      w.postMessage({ close: true })
      await exited
    },
  }
}
