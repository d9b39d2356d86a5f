import { jobErrorCode, retryDelay, type Logger } from '../../core/index.ts'
import type { MessageBatch, QueueMessage, QueueProducer } from './cloudflare-types.ts'
import { storedOptions, type JobStore } from './job-store.ts'
import type { JobRow } from './schema.ts'
import type { Slot, WorkerRegistry } from './workers.ts'

/** What one batch did, message by message: the Worker may log it (it holds ids and counts only). */
export interface ConsumeReport {
  /** Attempts that completed their job. */
  completed: number
  /** Attempts that failed (or expired) with retries left: the message comes back after the back-off. */
  retried: number
  /** Attempts that spent the job's retries: the job is in the dead-letter state. */
  failed: number
  /** Messages put back for later: the job is not due yet, runs elsewhere, or no worker here serves its queue. */
  deferred: number
  /** Messages whose job had already finished (a duplicate delivery, or a stale attempt): acked, nothing run. */
  duplicates: number
  /** Malformed messages, or ones naming no job: acked and dropped, so they cannot block the queue. */
  dropped: number
  /** Messages whose handling failed (D1 unreachable, say): retried by Cloudflare. */
  errors: number
}

/** Cloudflare's longest delay is 24 hours; a longer wait is made of hops (an early message is put back until its job is due). */
export const MAX_DELAY_SECONDS = 24 * 60 * 60

export interface ConsumerDeps {
  store: JobStore
  workers: WorkerRegistry
  producer(queue: string): QueueProducer
  now(): number
  /** The consumer's `max_retries` in wrangler.jsonc: a message that would pass it is sent again as a new one instead. */
  maxRetries: number
  /** How long a message waits when no worker in this isolate serves its queue. */
  idleDelayMs: number
  logger?: Logger
}

type Kind = keyof ConsumeReport

/**
 * Run a Queues batch: each message names a job in D1; a worker slot is taken, the job claimed as
 * its next attempt (compare-and-set), the handler run against the job's expiry, and the outcome
 * recorded before the message is acked or retried. A message is never left unanswered, so one bad
 * message cannot fail the batch.
 */
export async function consumeBatch(batch: MessageBatch, deps: ConsumerDeps): Promise<ConsumeReport> {
  const report: ConsumeReport = { completed: 0, retried: 0, failed: 0, deferred: 0, duplicates: 0, dropped: 0, errors: 0 }
  const kinds = await Promise.all(
    batch.messages.map((message) =>
      consumeOne(message, deps).catch((error: unknown) => {
        deps.logger?.error('job.consume_failed', { code: jobErrorCode(error) })
        message.retry()
        return 'errors' as const
      }),
    ),
  )
  for (const kind of kinds) report[kind]++
  if (report.dropped > 0) deps.logger?.warn('job.message_dropped', { count: report.dropped })
  return report
}

async function consumeOne(message: QueueMessage, deps: ConsumerDeps): Promise<Kind> {
  const id = (message.body as { id?: unknown } | null)?.id
  const row = typeof id === 'string' ? await deps.store.find(id) : undefined
  if (!row) {
    message.ack()
    return 'dropped'
  }
  if (row.state === 'completed' || row.state === 'failed') {
    message.ack()
    return 'duplicates'
  }
  // Not due yet (an early hop of a long delay), or an attempt running elsewhere that has not expired.
  if (row.due_at > deps.now()) return later(message, row, row.due_at - deps.now(), deps)
  const slot = await deps.workers.acquire(row.queue)
  if (!slot) return later(message, row, deps.idleDelayMs, deps)
  return slot.hold(attempt(message, row, slot, deps))
}

async function attempt(message: QueueMessage, row: JobRow, slot: Slot, deps: ConsumerDeps): Promise<Kind> {
  const options = storedOptions(row)
  // Someone else took or finished it since it was read: the next delivery looks again.
  if (!(await deps.store.claim(row, deps.now(), options.expireInMs))) return later(message, row, 1000, deps)
  const n = row.attempts + 1
  const result = await runWithExpiry(() => slot.handler({ id: row.id, queue: row.queue, data: JSON.parse(row.data), attempt: n }), options.expireInMs)
  const now = deps.now()
  if (result.ok) {
    await deps.store.settle(row.id, n, { state: 'completed', dueAt: now }, now)
    message.ack()
    return 'completed'
  }
  const spent = n > options.retryLimit
  // An expired attempt is delivered again at once (its worker is presumed dead); a failed one after its back-off.
  const wait = spent || result.code === 'job.expired' ? 0 : retryDelay(n, options)
  const owned = await deps.store.settle(row.id, n, { state: spent ? 'failed' : 'retry', code: result.code, dueAt: now + wait }, now)
  // A stale attempt changes nothing: the attempt that owns the job has a message of its own.
  if (!owned || spent) {
    message.ack()
    return owned ? 'failed' : 'duplicates'
  }
  await later(message, row, wait, deps)
  return 'retried'
}

/** The handler's outcome, or `job.expired` once the attempt has run for `expireInMs` (its late result is ignored). */
function runWithExpiry(run: () => Promise<unknown>, expireInMs: number): Promise<{ ok: true } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, code: 'job.expired' }), expireInMs)
    Promise.resolve()
      .then(run)
      .then(
        () => ({ ok: true }) as const,
        (error: unknown) => ({ ok: false, code: jobErrorCode(error) }) as const,
      )
      .then((outcome) => {
        clearTimeout(timer)
        resolve(outcome)
      })
  })
}

/**
 * Put the message back for `ms` (whole seconds, rounded up, capped at Cloudflare's maximum). A
 * message about to pass the consumer's `max_retries` is sent anew and acked instead, so waiting
 * never sends a live job to Cloudflare's dead-letter queue (or drops it).
 */
async function later(message: QueueMessage, row: JobRow, ms: number, deps: ConsumerDeps): Promise<'deferred'> {
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(ms / 1000)))
  if (message.attempts > deps.maxRetries) {
    await deps.producer(row.queue).send({ id: row.id }, { delaySeconds })
    message.ack()
  } else message.retry({ delaySeconds })
  return 'deferred'
}
