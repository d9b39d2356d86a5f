import type { Job, JobInfo, JobOptions, JobQueue, JobState, JobWorker, JobWorkOptions } from '../ports/job-queue.ts'

export const JOB_STATES: readonly JobState[] = ['created', 'retry', 'active', 'completed', 'failed']
export const JOB_DEFAULTS = { retryLimit: 2, retryDelayMs: 1000, retryBackoff: true, expireInMs: 15 * 60_000, startAfterMs: 0 } as const

/** The wait before retry `n` (1-based). */
export const retryDelay = (n: number, options: { retryDelayMs: number; retryBackoff: boolean }) =>
  options.retryBackoff ? options.retryDelayMs * 2 ** (n - 1) : options.retryDelayMs

/** A failed attempt's code: a coded error's own, else a generic one (the message may carry patient data, so it is never kept). */
export const jobErrorCode = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && /^[a-z][\w.-]{0,63}$/.test(code)) return code
  // A database's SQLSTATE (PostgreSQL's `40P01`, a deadlock): a code, never data, and what an operator needs.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `sqlstate.${code}`
  return 'job.handler_failed'
}

interface Entry {
  info: JobInfo
  options: Required<Omit<JobOptions, 'key'>>
  /** When the job may next be taken (created/retry), or when the running attempt expires (active). */
  due: number
}

/**
 * The in-process JobQueue: one machine, nothing to install (the embedded default). Jobs live in
 * this process's memory, so a crash loses the queue, not the results: population jobs write their
 * results idempotently and re-enqueue what is missing on restart. Same rules as pg-boss: retries
 * with back-off, expiry of an attempt whose worker vanished, the dead-letter state.
 */
export function memoryJobQueue(options: { now?: () => number; pollIntervalMs?: number } = {}): JobQueue {
  const now = options.now ?? Date.now
  const queues = new Map<string, Map<string, Entry>>()
  const wakers = new Map<string, Set<() => void>>()
  const jobs = (queue: string) => queues.get(queue) ?? queues.set(queue, new Map()).get(queue)!
  const wake = (queue: string) => {
    for (const w of wakers.get(queue) ?? []) w()
  }
  const snapshot = <T>(e: Entry) => structuredClone(e.info) as JobInfo<T>

  /** The next job a worker may take: due and waiting, or active past its expiry (at least once). */
  const take = (queue: string): Entry | undefined => {
    const t = now()
    for (const e of jobs(queue).values()) {
      const waiting = e.info.state === 'created' || e.info.state === 'retry'
      if ((waiting || e.info.state === 'active') && e.due <= t) return e
    }
    return undefined
  }

  return {
    async send(queue, data, sendOptions = {}) {
      const id = sendOptions.key === undefined ? crypto.randomUUID() : `key:${sendOptions.key}`
      const existing = jobs(queue).get(id)
      if (existing) return id
      const { key: _key, ...rest } = sendOptions
      jobs(queue).set(id, {
        info: { id, queue, data: structuredClone(data), state: 'created', attempts: 0, createdAt: new Date(now()).toISOString() },
        options: { ...JOB_DEFAULTS, ...rest },
        due: now() + (rest.startAfterMs ?? 0),
      })
      wake(queue)
      return id
    },

    async work<T>(queue: string, handler: (job: Job<T>) => Promise<unknown>, workOptions: JobWorkOptions = {}): Promise<JobWorker> {
      const slots = Math.max(1, workOptions.concurrency ?? 1)
      const poll = workOptions.pollIntervalMs ?? options.pollIntervalMs ?? 50
      let stopped = false
      const running = new Set<Promise<void>>()
      let timer: ReturnType<typeof setTimeout> | undefined

      const runOne = async (e: Entry) => {
        const attempt = ++e.info.attempts
        e.info.state = 'active'
        e.due = now() + e.options.expireInMs
        delete e.info.error
        try {
          await handler({ id: e.info.id, queue, data: structuredClone(e.info.data) as T, attempt })
          // A later attempt (after this one expired) owns the job now: this result is stale.
          if (e.info.attempts !== attempt || e.info.state !== 'active') return
          e.info.state = 'completed'
          e.info.completedAt = new Date(now()).toISOString()
        } catch (error) {
          if (e.info.attempts !== attempt || e.info.state !== 'active') return
          e.info.error = { code: jobErrorCode(error) }
          if (attempt > e.options.retryLimit) {
            e.info.state = 'failed'
            e.info.completedAt = new Date(now()).toISOString()
          } else {
            e.info.state = 'retry'
            e.due = now() + retryDelay(attempt, e.options)
          }
        }
      }
      const pump = () => {
        clearTimeout(timer)
        timer = undefined
        if (stopped) return
        while (running.size < slots) {
          const e = take(queue)
          if (!e) break
          const run = runOne(e).finally(() => {
            running.delete(run)
            pump()
          })
          running.add(run)
        }
        // Retries and expiries fall due with time, not with a send: look again shortly.
        timer = setTimeout(pump, poll)
      }
      const set = wakers.get(queue) ?? wakers.set(queue, new Set()).get(queue)!
      set.add(pump)
      pump()
      return {
        async stop() {
          stopped = true
          set.delete(pump)
          clearTimeout(timer)
          await Promise.allSettled([...running])
        },
      }
    },

    async get(queue, id) {
      const e = jobs(queue).get(id)
      return e && snapshot(e)
    },
    async counts(queue) {
      const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
      for (const e of jobs(queue).values()) out[e.info.state]++
      return out
    },
    async failed(queue, limit = 100) {
      return [...jobs(queue).values()]
        .filter((e) => e.info.state === 'failed')
        .sort((a, b) => (b.info.completedAt ?? '').localeCompare(a.info.completedAt ?? ''))
        .slice(0, limit)
        .map((e) => snapshot(e))
    },
  }
}
