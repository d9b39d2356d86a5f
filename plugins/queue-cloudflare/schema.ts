/**
 * The `queue_jobs` table: Cloudflare Queues carries only a job's id, so everything the JobQueue
 * port reports (state, attempts, the last error's code, keys) lives here, in D1. Created by the
 * queue itself with `IF NOT EXISTS` (one batch, once per isolate), so it needs no place in the
 * storage plugins' migration chain; docs/queue-cloudflare.md shows it as a wrangler migration too.
 */
export const QUEUE_JOBS_SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS queue_jobs (
  id TEXT PRIMARY KEY NOT NULL,
  queue TEXT NOT NULL,
  key TEXT,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  options TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  error_code TEXT,
  created_at INTEGER NOT NULL,
  completed_at INTEGER
)`,
  // SQLite treats NULL keys as distinct, so only keyed jobs are unique per queue.
  'CREATE UNIQUE INDEX IF NOT EXISTS queue_jobs_key ON queue_jobs (queue, key)',
  'CREATE INDEX IF NOT EXISTS queue_jobs_state ON queue_jobs (queue, state, completed_at)',
]

/** A row as D1 returns it. `due_at`: when a waiting job may run, or when the running attempt expires (ms). */
export interface JobRow {
  id: string
  queue: string
  key: string | null
  data: string
  state: 'created' | 'retry' | 'active' | 'completed' | 'failed'
  attempts: number
  options: string
  due_at: number
  error_code: string | null
  created_at: number
  completed_at: number | null
}

/** The send options a row keeps (JSON in `options`): what the consumer needs to retry and expire its attempts. */
export interface StoredOptions {
  retryLimit: number
  retryDelayMs: number
  retryBackoff: boolean
  expireInMs: number
}
