import type { Job, JobWorker } from '../../core/index.ts'

type Handler = (job: Job<unknown>) => Promise<unknown>

interface Registered {
  handler: Handler
  slots: number
  running: number
  /** Each attempt this worker runs, until its outcome is recorded: what `stop()` waits for. */
  settling: Set<Promise<unknown>>
}

/** A worker's free slot, held while one attempt runs. */
export interface Slot {
  handler: Handler
  /** Hold the slot until `attempt` settles (its outcome recorded, or its expiry reached). */
  hold<T>(attempt: Promise<T>): Promise<T>
}

/**
 * The handlers `work()` registered in this isolate, by queue. Cloudflare pushes batches to the
 * Worker; a message waits here for a free slot of a worker of its job's queue, so `concurrency`
 * bounds the jobs this isolate runs at once, and a stopped worker takes no more.
 */
export function workerRegistry() {
  const byQueue = new Map<string, Set<Registered>>()
  let waiting: (() => void)[] = []
  const wake = () => {
    const woken = waiting
    waiting = []
    for (const w of woken) w()
  }

  return {
    add(queue: string, handler: Handler, concurrency = 1): JobWorker {
      const entry: Registered = { handler, slots: Math.max(1, concurrency), running: 0, settling: new Set() }
      const set = byQueue.get(queue) ?? byQueue.set(queue, new Set()).get(queue)!
      set.add(entry)
      wake()
      return {
        async stop() {
          set.delete(entry)
          // Messages waiting for a slot look again: with no worker left they go back to the queue.
          wake()
          await Promise.allSettled([...entry.settling])
        },
      }
    },

    /** A free slot of a worker of `queue`, waiting while every one is busy; undefined when no worker serves it. */
    async acquire(queue: string): Promise<Slot | undefined> {
      for (;;) {
        const set = byQueue.get(queue)
        if (!set?.size) return undefined
        const free = [...set].find((w) => w.running < w.slots)
        if (free) {
          free.running++
          return {
            handler: free.handler,
            hold: async (attempt) => {
              free.settling.add(attempt)
              try {
                return await attempt
              } finally {
                free.settling.delete(attempt)
                free.running--
                wake()
              }
            },
          }
        }
        await new Promise<void>((resolve) => waiting.push(resolve))
      }
    },

    /** Stop every worker (the queue is closing). */
    async stopAll() {
      const all = [...byQueue.values()].flatMap((set) => [...set])
      byQueue.clear()
      wake()
      await Promise.allSettled(all.flatMap((w) => [...w.settling]))
    },
  }
}

export type WorkerRegistry = ReturnType<typeof workerRegistry>
