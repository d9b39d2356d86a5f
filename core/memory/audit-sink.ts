import { checkAgainstCheckpoint, EMPTY_HEAD, sealEvents, verifyChain } from '../audit/hash-chain.ts'
import type { Sha256 } from '../digest.ts'
import type { AuditCheckpoint, AuditEvent, AuditFilter, AuditSink } from '../ports/audit.ts'
import { serial } from '../serial.ts'

/** True when an event passes every set field of the filter (shared by the memory and SQL sinks' tests). */
export function matchesFilter(event: AuditEvent, filter: AuditFilter): boolean {
  if (filter.from && event.ts < filter.from) return false
  if (filter.to && event.ts >= filter.to) return false
  if (filter.actor && event.actor !== filter.actor) return false
  if (filter.patientRef && event.patientRef !== filter.patientRef) return false
  if (filter.action && event.action !== filter.action) return false
  if (filter.model && event.model !== filter.model) return false
  if (filter.outcome && event.outcome !== filter.outcome) return false
  if (filter.requestId && event.requestId !== filter.requestId) return false
  return true
}

/**
 * In-memory, hash-chained AuditSink for unit tests. Exposes `events` so tests can tamper with it.
 * @example
 * const audit = memoryAuditSink()
 */
export function memoryAuditSink(options: { sha256?: Sha256 } = {}): AuditSink & { events: AuditEvent[]; checkpoints: AuditCheckpoint[] } {
  const events: AuditEvent[] = []
  const checkpoints: AuditCheckpoint[] = []
  let head = EMPTY_HEAD
  const inOrder = serial()
  return {
    events,
    checkpoints,
    append: (inputs) =>
      inOrder(async () => {
        const sealed = await sealEvents(head, inputs, options.sha256)
        events.push(...sealed)
        const last = sealed.at(-1)
        if (last) head = { seq: last.seq, hash: last.hash }
        return sealed.map(({ seq, hash }) => ({ seq, hash }))
      }),
    async query(filter, page) {
      const matched = events.filter((e) => e.seq > (page.afterSeq ?? 0) && matchesFilter(e, filter)).slice(0, page.limit + 1)
      const more = matched.length > page.limit
      const slice = matched.slice(0, page.limit).map((e) => structuredClone(e))
      return { events: slice, nextAfterSeq: more ? slice.at(-1)!.seq : undefined }
    },
    async verify(range = {}) {
      const from = range.fromSeq ?? 1
      const selected = events.filter((e) => e.seq >= from && e.seq <= (range.toSeq ?? Infinity))
      const before = events.find((e) => e.seq === from - 1)
      const result = await verifyChain(selected, before ? { seq: before.seq, hash: before.hash } : { ...EMPTY_HEAD, seq: from - 1 }, options.sha256)
      if (range.fromSeq !== undefined || range.toSeq !== undefined) return result
      const checkpoint = checkpoints.at(-1)
      return checkAgainstCheckpoint(result, checkpoint, checkpoint && events.find((e) => e.seq === checkpoint.seq)?.hash, events.at(-1)?.seq ?? 0)
    },
    async head() {
      const last = events.at(-1)
      return last && { seq: last.seq, hash: last.hash }
    },
    checkpoint: (ts) =>
      inOrder(async () => {
        if (head.seq === 0) return undefined
        const checkpoint = { seq: head.seq, hash: head.hash, ts }
        checkpoints.push(checkpoint)
        return checkpoint
      }),
    async health() {
      return { ok: true }
    },
  }
}
