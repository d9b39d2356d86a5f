import { NexoraError } from '../errors.ts'
import type { AuditEventInput, AuditReceipt, AuditSink } from '../ports/audit.ts'
import { activeSpanContext, withSpan, type TraceSpan } from '../tracing.ts'
import type { SpanContext } from '@opentelemetry/api'

interface Waiter {
  events: AuditEventInput[]
  resolve(receipts: AuditReceipt[]): void
  reject(error: unknown): void
  /** Set once this write is known not to be committed. */
  failed?: boolean
  /** The earlier write this one must not outlive (see `WriteOptions.after`). */
  after?: Waiter
  /** The span that wrote it: a commit carrying other requests' events links to their spans. */
  span?: SpanContext
}

export interface WriteOptions {
  /**
   * A promise an earlier `write` of this writer returned: these events commit only if those did.
   * Both events of a request or neither: a response event must never land when its request event
   * failed (a later batch may succeed once the database is back). Free of cost: commits run one at
   * a time in order, so `after` is in the same batch (one atomic append) or settled before this
   * batch forms.
   */
  after?: Promise<AuditReceipt[]>
}

export interface AuditWriter {
  /** Resolves once the events are durably committed, sharing the commit with concurrent writers. */
  write(events: AuditEventInput[], options?: WriteOptions): Promise<AuditReceipt[]>
  /** Resolves when everything written so far is committed. */
  drain(): Promise<void>
  /** Whether the last commit succeeded: a disk that is full or read-only shows here, not in a SELECT. */
  state(): { ok: boolean; failingSince?: number }
}

export interface AuditWriterOptions {
  /** Events per `append` at most. Default 4096. */
  maxBatch?: number
  /**
   * Runs the next commit after pending I/O has had its turn, so the events of requests that
   * arrived meanwhile (and a request's own response event) join the batch. Default
   * `setTimeout(run, 0)`; the Node adapter passes `setImmediate`, which skips the 1 ms clamp.
   */
  schedule?: (run: () => void) => void
  /** Told after each commit: how long it took and how many events it carried (for metrics). */
  onCommit?: (seconds: number, events: number) => void
}

const defaultSchedule = (run: () => void) => {
  setTimeout(run, 0)
}

/**
 * Group commit: writes queue up and go out together in one `append`, so durability costs
 * one commit per batch, not per request. Each commit waits one macrotask first: with a
 * synchronous engine (libSQL) the event loop is blocked during a commit, so only a turn of
 * the loop lets the requests that arrived meanwhile enqueue their events.
 *
 * Each commit is run by a writer that is still waiting for its own events (the first to find no
 * commit in flight), never by a loop that outlives its starter. On Cloudflare Workers, I/O and
 * timers belong to the request that started them and are cancelled when it ends: a loop started
 * by one request and carrying the events of requests that came later would stall them all.
 */
export function createAuditWriter(sink: AuditSink, options: AuditWriterOptions = {}): AuditWriter {
  const maxBatch = options.maxBatch ?? 4096
  const schedule = options.schedule ?? defaultSchedule
  const nextTurn = () => new Promise<void>((resolve) => schedule(resolve))
  const queue: Waiter[] = []
  const waiters = new WeakMap<Promise<AuditReceipt[]>, Waiter>()
  let running: Promise<void> | undefined
  let failingSince: number | undefined

  async function commitOnce() {
    await nextTurn()
    const batch: Waiter[] = []
    let size = 0
    while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.events.length <= maxBatch)) {
      const waiter = queue.shift()!
      batch.push(waiter)
      size += waiter.events.length
    }
    if (batch.length === 0) return
    for (const waiter of batch) {
      if (!waiter.after?.failed) continue
      waiter.failed = true
      waiter.reject(new NexoraError('audit.write_failed', { detail: 'an audit event it depends on was not committed' }))
    }
    const live = batch.filter((w) => !w.failed)
    if (live.length === 0) return
    // The commit runs in the trace of the request that started it; the others' spans are linked.
    const mine = activeSpanContext()
    const links = new Map<string, SpanContext>()
    for (const { span } of live) if (span && span.spanId !== mine?.spanId) links.set(span.spanId, span)
    const events = live.reduce((n, w) => n + w.events.length, 0)
    await withSpan('audit.commit', { 'nexora.audit.events': events, 'nexora.audit.writes': live.length }, (span) => commit(live, span), {
      links: [...links.values()],
    })
  }

  async function commit(live: Waiter[], span: TraceSpan) {
    try {
      const started = performance.now()
      const receipts = await sink.append(live.flatMap((w) => w.events))
      options.onCommit?.((performance.now() - started) / 1000, receipts.length)
      failingSince = undefined
      let offset = 0
      for (const waiter of live) {
        waiter.resolve(receipts.slice(offset, offset + waiter.events.length))
        offset += waiter.events.length
      }
    } catch (cause) {
      span.fail('audit.write_failed')
      failingSince ??= Date.now()
      const error = new NexoraError('audit.write_failed', { cause })
      for (const waiter of live) {
        waiter.failed = true
        waiter.reject(error)
      }
    }
  }

  async function settle(result: Promise<AuditReceipt[]>, settled: () => boolean) {
    while (!settled()) {
      // `finally` clears `running` before any waiter resumes, so exactly one of them starts the next commit.
      running ??= commitOnce().finally(() => {
        running = undefined
      })
      await running
    }
    return result
  }

  return {
    write(events, options = {}) {
      let settled = false
      let waiter!: Waiter
      const result = new Promise<AuditReceipt[]>((resolve, reject) => {
        waiter = {
          events,
          resolve: (r) => {
            settled = true
            resolve(r)
          },
          reject: (e) => {
            settled = true
            reject(e)
          },
          after: options.after && waiters.get(options.after),
          span: activeSpanContext(),
        }
        queue.push(waiter)
      })
      result.catch(() => {})
      const done = settle(result, () => settled)
      waiters.set(done, waiter)
      return done
    },
    async drain() {
      while (running || queue.length > 0) await (running ?? nextTurn())
    },
    state: () => (failingSince === undefined ? { ok: true } : { ok: false, failingSince }),
  }
}
