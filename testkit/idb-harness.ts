/**
 * Bundled into a page: the IndexedDB stores, callable from the test process through
 * `page.evaluate`, so the storage conformance suites run against the browser's real IndexedDB.
 */
import { idbAuditSink, idbModelStore, openNexoraDb, type Db } from '../plugins/storage-indexeddb/index.ts'
import { decode, encode } from './wire.ts'

const open = new Map<string, { db: Db; store: Record<string, (...args: unknown[]) => Promise<unknown>> }>()

;(globalThis as { harness?: unknown }).harness = {
  async open(kind: 'model' | 'audit', name: string) {
    const db = await openNexoraDb(name)
    open.set(name, { db, store: (kind === 'model' ? idbModelStore(db) : idbAuditSink(db)) as never })
    return name
  },
  async call(name: string, method: string, args: string) {
    try {
      return encode({ value: await open.get(name)!.store[method]!(...(decode(args) as unknown[])) })
    } catch (e) {
      return encode({ error: { code: (e as { code?: string }).code, message: String((e as Error).message) } })
    }
  },
  async tamper(name: string, op: 'editActor' | 'remove' | 'truncateFrom', seq: number, actor?: string) {
    const { db } = open.get(name)!
    if (op === 'editActor') await db.put('auditEvents', { ...(await db.get('auditEvents', seq))!, actor: actor! })
    else if (op === 'remove') await db.delete('auditEvents', seq)
    else await db.delete('auditEvents', IDBKeyRange.lowerBound(seq))
  },
  async close(name: string) {
    open.get(name)!.db.close()
    open.delete(name)
  },
}
