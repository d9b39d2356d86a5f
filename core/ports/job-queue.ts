/**
 * Where a job stands. `failed` is the dead-letter state: its attempts are spent and it is kept,
 * with its last error's code, for someone to look at (and send again).
 */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'failed'

export interface JobOptions {
  /**
   * The caller's name for the job (a job id and a shard number, say): sending the same key to the
   * same queue again creates nothing and answers the first job's id, so a re-run enqueues once.
   */
  key?: string
  /** Attempts after the first. Default 2. */
  retryLimit?: number
  /** Wait before the first retry. Default 1,000 ms. */
  retryDelayMs?: number
  /** Double the wait at each further retry. Default true. */
  retryBackoff?: boolean
  /**
   * An attempt still running after this long is presumed lost (its worker died) and the job is
   * delivered again: delivery is at least once, so handlers must be idempotent. Default 15 minutes.
   */
  expireInMs?: number
  /** Hold the job this long before its first delivery (a debounce window, say). Default 0. */
  startAfterMs?: number
}

/** One delivery of a job to a handler. */
export interface Job<T = unknown> {
  id: string
  queue: string
  data: T
  /** 1 on the first delivery, 2 on the first retry (or redelivery after an expiry), … */
  attempt: number
}

/** A job as the queue keeps it: what progress reports and the dead-letter list show. */
export interface JobInfo<T = unknown> {
  id: string
  queue: string
  data: T
  state: JobState
  /** Deliveries so far. */
  attempts: number
  /** The last failed attempt's stable code (`NexoraError` codes; `job.handler_failed` for anything else). Never a message: it may carry data. */
  error?: { code: string }
  createdAt: string
  completedAt?: string
}

export interface JobWorkOptions {
  /** Jobs this worker runs at once. Default 1. */
  concurrency?: number
  /** How often an idle worker looks for jobs, where the queue is polled. Default: the implementation's. */
  pollIntervalMs?: number
}

export interface JobWorker {
  /** Take no more jobs; resolves once the running ones have settled. */
  stop(): Promise<void>
}

/**
 * Work that outlives a request: population scoring shards, re-scores on a data change. One machine
 * uses the in-process queue; several use pg-boss on PostgreSQL or Cloudflare Queues at the edge.
 * Delivery is at least once, with retries and back-off, then the dead-letter state; completing a
 * job is idempotent (a stale attempt's result is ignored).
 */
export interface JobQueue {
  send<T>(queue: string, data: T, options?: JobOptions): Promise<string>
  /** Run `handler` for the queue's jobs: it resolves to complete the job, or throws to fail the attempt. */
  work<T>(queue: string, handler: (job: Job<T>) => Promise<unknown>, options?: JobWorkOptions): Promise<JobWorker>
  get<T>(queue: string, id: string): Promise<JobInfo<T> | undefined>
  counts(queue: string): Promise<Record<JobState, number>>
  /** The dead letters: jobs whose attempts are spent, newest first. */
  failed<T>(queue: string, limit?: number): Promise<JobInfo<T>[]>
  close?(): Promise<void>
}
