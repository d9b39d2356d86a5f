import { JOB_STATES, lazy, type JobInfo, type JobState } from '../../core/index.ts'
import type { D1Database } from './cloudflare-types.ts'
import { QUEUE_JOBS_SCHEMA, type JobRow, type StoredOptions } from './schema.ts'

/** Where an attempt leaves its job. */
export interface Outcome {
  state: 'completed' | 'retry' | 'failed'
  code?: string
  /** When a retry may run. */
  dueAt: number
}

export function toInfo<T>(row: JobRow): JobInfo<T> {
  return {
    id: row.id,
    queue: row.queue,
    data: JSON.parse(row.data) as T,
    state: row.state,
    attempts: row.attempts,
    ...(row.error_code ? { error: { code: row.error_code } } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.completed_at === null ? {} : { completedAt: new Date(row.completed_at).toISOString() }),
  }
}

export const storedOptions = (row: JobRow) => JSON.parse(row.options) as StoredOptions

/**
 * The job rows in D1. Every change of a running job is a compare-and-set on its attempt number,
 * so a stale attempt (one that expired and was delivered again) can never overwrite a newer one,
 * and a completed job stays completed. Each statement binds at most 9 parameters (D1 allows 100).
 */
export function jobStore(db: D1Database) {
  // Once per isolate; a failed creation is not cached, so the next call tries again.
  const ready = lazy(() => db.batch(QUEUE_JOBS_SCHEMA.map((s) => db.prepare(s))))
  const all = async <T>(sql: string, ...params: unknown[]) => {
    await ready()
    return (
      await db
        .prepare(sql)
        .bind(...params)
        .all<T>()
    ).results
  }
  const run = async (sql: string, ...params: unknown[]) => {
    await ready()
    return Number(
      (
        await db
          .prepare(sql)
          .bind(...params)
          .run()
      ).meta.changes ?? 0,
    )
  }

  return {
    /** Insert a new job; false when its key is already taken in its queue. */
    insert: async (row: Pick<JobRow, 'id' | 'queue' | 'key' | 'data' | 'options' | 'due_at' | 'created_at'>) =>
      (await run(
        `INSERT INTO queue_jobs (id, queue, key, data, state, attempts, options, due_at, created_at)
         VALUES (?, ?, ?, ?, 'created', 0, ?, ?, ?) ON CONFLICT (queue, key) DO NOTHING`,
        row.id,
        row.queue,
        row.key,
        row.data,
        row.options,
        row.due_at,
        row.created_at,
      )) === 1,

    idForKey: async (queue: string, key: string) => (await all<{ id: string }>('SELECT id FROM queue_jobs WHERE queue = ? AND key = ?', queue, key))[0]?.id,

    find: async (id: string) => (await all<JobRow>('SELECT * FROM queue_jobs WHERE id = ?', id))[0],

    /** Undo an insert whose message could not be sent (nothing has run it). */
    remove: (id: string) => run("DELETE FROM queue_jobs WHERE id = ? AND state = 'created' AND attempts = 0", id),

    /** Take a waiting job, or one whose attempt expired, as attempt `row.attempts + 1`; false when someone else changed it first. */
    claim: async (row: JobRow, now: number, expireInMs: number) =>
      (await run(
        `UPDATE queue_jobs SET state = 'active', attempts = attempts + 1, due_at = ?, error_code = NULL
         WHERE id = ? AND attempts = ? AND (state IN ('created', 'retry') OR (state = 'active' AND due_at <= ?))`,
        now + expireInMs,
        row.id,
        row.attempts,
        now,
      )) === 1,

    /** Record attempt `attempt`'s outcome; false (and no change) when that attempt no longer owns the job. */
    settle: async (id: string, attempt: number, outcome: Outcome, now: number) =>
      (await run(
        `UPDATE queue_jobs SET state = ?, error_code = ?, due_at = ?, completed_at = ?
         WHERE id = ? AND attempts = ? AND state = 'active'`,
        outcome.state,
        outcome.code ?? null,
        outcome.dueAt,
        outcome.state === 'retry' ? null : now,
        id,
        attempt,
      )) === 1,

    counts: async (queue: string) => {
      const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
      const rows = await all<{ state: JobState; n: number }>('SELECT state, count(*) AS n FROM queue_jobs WHERE queue = ? GROUP BY state', queue)
      for (const r of rows) out[r.state] += Number(r.n)
      return out
    },

    failed: (queue: string, limit: number) =>
      all<JobRow>("SELECT * FROM queue_jobs WHERE queue = ? AND state = 'failed' ORDER BY completed_at DESC, id LIMIT ?", queue, limit),
  }
}

export type JobStore = ReturnType<typeof jobStore>
