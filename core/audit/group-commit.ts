import { NexoraError } from '../errors.ts'
import type { AuditEventInput, AuditReceipt, AuditSink } from '../ports/audit.ts'

interface Waiter {
  events: AuditEventInput[]
  resolve(receipts: AuditReceipt[]): void
  reject(error: unknown): void
}

export interface AuditWriter {
  /** Resolves once the events are durably committed, sharing the commit with concurrent writers. */
  write(events: AuditEventInput[]): Promise<AuditReceipt[]>
  /** Resolves when everything written so far is committed. */
  drain(): Promise<void>
}

/**
 * Group commit: while one batch is being committed, later writes queue up and go out
 * together in the next `append`, so durability costs one commit per batch, not per request.
 * No timer is involved: an idle writer commits at once, a busy one batches by itself.
 */
export function createAuditWriter(sink: AuditSink, maxBatch = 4096): AuditWriter {
  let queue: Waiter[] = []
  let running: Promise<void> | undefined

  async function commitLoop() {
    while (queue.length > 0) {
      const batch: Waiter[] = []
      let size = 0
      while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.events.length <= maxBatch)) {
        const waiter = queue.shift()!
        batch.push(waiter)
        size += waiter.events.length
      }
      try {
        const receipts = await sink.append(batch.flatMap((w) => w.events))
        let offset = 0
        for (const waiter of batch) {
          waiter.resolve(receipts.slice(offset, offset + waiter.events.length))
          offset += waiter.events.length
        }
      } catch (cause) {
        const error = new NexoraError('audit.write_failed', { cause })
        for (const waiter of batch) waiter.reject(error)
      }
    }
  }

  function kick() {
    if (!running) {
      running = Promise.resolve().then(commitLoop).finally(() => {
        running = undefined
        if (queue.length > 0) kick()
      })
    }
  }

  return {
    write(events) {
      return new Promise((resolve, reject) => {
        queue.push({ events, resolve, reject })
        kick()
      })
    },
    async drain() {
      while (running) await running
    },
  }
}
