import type PgBoss from 'pg-boss'
import {
  JOB_DEFAULTS,
  JOB_STATES,
  jobErrorCode,
  type Job,
  type JobInfo,
  type JobOptions,
  type JobQueue,
  type JobState,
  type JobWorker,
  type JobWorkOptions,
} from '../../core/index.ts'

type Boss = InstanceType<typeof PgBoss>
type Stored = PgBoss.JobWithMetadata<unknown>

/** A key's job id: a UUID made from the queue and the key (pg-boss ids are UUIDs), so every process derives the same one. */
async function keyId(queue: string, key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${queue}\n${key}`)))
  digest[6] = (digest[6]! & 0x0f) | 0x50 // version 5 (name-based)
  digest[8] = (digest[8]! & 0x3f) | 0x80 // RFC 4122 variant
  const hex = [...digest.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** pg-boss keeps what a failed handler threw as the job's output: give it the code alone, never a message or stack (they may carry PHI). */
function codedFailure(error: unknown): Error {
  const code = jobErrorCode(error)
  const safe = new Error(code)
  safe.stack = code
  return Object.assign(safe, { code })
}

const outputCode = (output: unknown): string | undefined => {
  const o = output as { code?: unknown; value?: { message?: unknown } } | null
  if (typeof o?.code === 'string') return o.code
  // pg-boss's own words when it fails an attempt that outlived its expiry.
  return typeof o?.value?.message === 'string' && /timeout/.test(o.value.message) ? 'job.expired' : undefined
}

function toInfo<T>(queue: string, job: Stored): JobInfo<T> {
  const state: JobState = job.state === 'cancelled' ? 'failed' : job.state
  const attempts = job.retryCount + (job.startedOn ? 1 : 0)
  const code = state === 'failed' || state === 'retry' ? outputCode(job.output) : undefined
  return {
    id: job.id,
    queue,
    data: job.data as T,
    state,
    attempts,
    ...(code ? { error: { code } } : {}),
    createdAt: new Date(job.createdOn).toISOString(),
    ...(job.completedOn ? { completedAt: new Date(job.completedOn).toISOString() } : {}),
  }
}

/**
 * The JobQueue on a started pg-boss instance (PostgreSQL): any number of processes on any number of
 * machines share the queues. pg-boss's own semantics: a job is fetched with `SKIP LOCKED`, retried
 * with back-off (seconds, rounded up), failed when its attempts are spent (the dead-letter state),
 * and an attempt that outlives its expiry is failed by pg-boss's supervisor and retried.
 */
export function pgBossQueue(boss: Boss, options: { pollIntervalMs?: number } = {}): JobQueue {
  const created = new Map<string, Promise<void>>()
  const ensure = (queue: string) => {
    let p = created.get(queue)
    if (!p) {
      p = (async () => {
        if (!(await boss.getQueue(queue))) await boss.createQueue(queue)
      })()
      p.catch(() => created.delete(queue))
      created.set(queue, p)
    }
    return p
  }
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))
  // Progress and dead letters read pg-boss's tables directly (its API has no per-state count of one queue).
  const schema = (boss as unknown as { config?: { schema?: string } }).config?.schema ?? 'pgboss'
  const query = async <R>(text: string, values: unknown[]) =>
    ((await (boss.getDb() as { executeSql(t: string, v: unknown[]): Promise<{ rows: R[] }> }).executeSql(text, values)) as { rows: R[] }).rows
  /** The queue's jobs, live and archived, as one relation with the given columns. */
  const everyJob = (columns: string, where = '') =>
    `(SELECT ${columns} FROM ${schema}.job WHERE name = $1 ${where} UNION ALL SELECT ${columns} FROM ${schema}.archive WHERE name = $1 ${where}) j`

  return {
    async send(queue, data, sendOptions: JobOptions = {}) {
      await ensure(queue)
      const o = { ...JOB_DEFAULTS, ...sendOptions }
      const id = sendOptions.key === undefined ? undefined : await keyId(queue, sendOptions.key)
      // A key sent before answers its job, even once pg-boss has archived it.
      if (id && (await boss.getJobById(queue, id, { includeArchive: true }))) return id
      const sent = await boss.send(queue, data as object, {
        ...(id ? { id } : {}),
        retryLimit: o.retryLimit,
        retryDelay: seconds(o.retryDelayMs),
        retryBackoff: o.retryBackoff,
        expireInSeconds: seconds(o.expireInMs),
        ...(o.startAfterMs > 0 ? { startAfter: seconds(o.startAfterMs) } : {}),
      })
      return sent ?? id!
    },

    async work<T>(queue: string, handler: (job: Job<T>) => Promise<unknown>, workOptions: JobWorkOptions = {}): Promise<JobWorker> {
      await ensure(queue)
      const pollingIntervalSeconds = Math.max(0.5, (workOptions.pollIntervalMs ?? options.pollIntervalMs ?? 2000) / 1000)
      const inFlight = new Set<Promise<unknown>>()
      const run = async ([job]: PgBoss.JobWithMetadata<T>[]) => {
        const attempt = handler({ id: job!.id, queue, data: job!.data, attempt: job!.retryCount + 1 })
        inFlight.add(attempt)
        try {
          return await attempt
        } catch (error) {
          throw codedFailure(error)
        } finally {
          inFlight.delete(attempt)
        }
      }
      // pg-boss runs one batch at a time per worker: `concurrency` workers of one job each.
      const ids = await Promise.all(
        Array.from({ length: Math.max(1, workOptions.concurrency ?? 1) }, () =>
          boss.work<T>(queue, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds }, (jobs) => run(jobs).then(() => undefined)),
        ),
      )
      return {
        async stop() {
          // offWork stops the fetching at once; the jobs already running settle (and pg-boss records them).
          await Promise.all(ids.map((id) => boss.offWork({ id })))
          await Promise.allSettled([...inFlight])
          await new Promise((r) => setTimeout(r, 100))
        },
      }
    },

    async get<T>(queue: string, id: string) {
      if (!/^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(id)) return undefined
      await ensure(queue)
      const job = await boss.getJobById<T>(queue, id, { includeArchive: true })
      return job ? toInfo<T>(queue, job as Stored) : undefined
    },

    async counts(queue) {
      await ensure(queue)
      const rows = await query<{ state: JobState | 'cancelled'; n: string }>(`SELECT state, count(*) AS n FROM ${everyJob('state')} GROUP BY state`, [queue])
      const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
      for (const r of rows) out[r.state === 'cancelled' ? 'failed' : r.state] += Number(r.n)
      return out
    },

    async failed<T>(queue: string, limit = 100) {
      await ensure(queue)
      const rows = await query<{ id: string }>(`SELECT id FROM ${everyJob('id, completed_on', "AND state = 'failed'")} ORDER BY completed_on DESC LIMIT $2`, [
        queue,
        limit,
      ])
      const jobs = await Promise.all(rows.map((r) => this.get<T>(queue, r.id)))
      return jobs.filter((j): j is JobInfo<T> => j !== undefined)
    },

    close: () => boss.stop({ graceful: true, timeout: 30_000 }),
  }
}
