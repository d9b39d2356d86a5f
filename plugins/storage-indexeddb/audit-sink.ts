import {
  checkAgainstCheckpoint,
  EMPTY_HEAD,
  matchesFilter,
  sealEvents,
  serial,
  verifyChain,
  type AuditSink,
  type ChainHead,
  type Sha256,
} from '../../core/index.ts'
import type { Db } from './database.ts'

async function headOf(db: Db): Promise<ChainHead> {
  const last = await db.transaction('auditEvents').store.openCursor(null, 'prev')
  return last ? { seq: last.value.seq, hash: last.value.hash } : EMPTY_HEAD
}

/**
 * The hash-chained AuditSink on IndexedDB: the on-device trail of in-browser scoring. Hashing is
 * async (WebCrypto) and an IndexedDB transaction commits itself at the first non-IDB await, so an
 * append seals against the head it read, then writes in one transaction that re-checks the head
 * and `add`s each seq (a duplicate aborts it): another tab appending meanwhile makes it retry,
 * so the chain stays one chain across tabs.
 */
export function idbAuditSink(db: Db, options: { sha256?: Sha256 } = {}): AuditSink {
  const inOrder = serial()
  return {
    append: (inputs) =>
      inOrder(async () => {
        if (inputs.length === 0) return []
        for (let attempt = 0; ; attempt++) {
          const head = await headOf(db)
          const sealed = await sealEvents(head, inputs, options.sha256)
          const tx = db.transaction('auditEvents', 'readwrite')
          try {
            const last = await tx.store.openCursor(null, 'prev')
            if ((last?.value.seq ?? 0) !== head.seq) throw new DOMException('head moved', 'ConstraintError')
            await Promise.all([...sealed.map((e) => tx.store.add(e)), tx.done])
            return sealed.map(({ seq, hash }) => ({ seq, hash }))
          } catch (error) {
            try {
              tx.abort()
            } catch {
              /* already finished */
            }
            if ((error as DOMException)?.name !== 'ConstraintError' || attempt >= 20) throw error
          }
        }
      }),
    async query(filter, page) {
      const events = []
      let cursor = await db.transaction('auditEvents').store.openCursor(IDBKeyRange.lowerBound(page.afterSeq ?? 0, true))
      while (cursor && events.length <= page.limit) {
        if (matchesFilter(cursor.value, filter)) events.push(cursor.value)
        cursor = await cursor.continue()
      }
      const more = events.length > page.limit
      const slice = events.slice(0, page.limit)
      return { events: slice, nextAfterSeq: more ? slice.at(-1)!.seq : undefined }
    },
    async verify(range = {}) {
      const from = range.fromSeq ?? 1
      const selected = await db.getAll('auditEvents', IDBKeyRange.bound(from, range.toSeq ?? Number.MAX_SAFE_INTEGER))
      const before = from > 1 ? await db.get('auditEvents', from - 1) : undefined
      const result = await verifyChain(selected, before ? { seq: before.seq, hash: before.hash } : { ...EMPTY_HEAD, seq: from - 1 }, options.sha256)
      if (range.fromSeq !== undefined || range.toSeq !== undefined) return result
      const checkpoint = (await db.transaction('auditCheckpoints').store.openCursor(null, 'prev'))?.value
      return checkAgainstCheckpoint(result, checkpoint, checkpoint && (await db.get('auditEvents', checkpoint.seq))?.hash, selected.at(-1)?.seq ?? 0)
    },
    async head() {
      const head = await headOf(db)
      return head.seq === 0 ? undefined : head
    },
    checkpoint: (ts) =>
      inOrder(async () => {
        const head = await headOf(db)
        if (head.seq === 0) return undefined
        const checkpoint = { seq: head.seq, hash: head.hash, ts }
        await db.add('auditCheckpoints', checkpoint)
        return checkpoint
      }),
    async health() {
      return { ok: true }
    },
  }
}
