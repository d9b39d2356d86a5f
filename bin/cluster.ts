/**
 * `nexora serve --workers N`: a node:cluster primary that runs N copies of the server on one port.
 * The primary only accepts connections and hands them to the workers in turn; each worker is a
 * whole server with its own audit writer thread, and all of them append to one audit chain in the
 * database (the chain lock serialises them, plugins/sql-stores/audit-sink.ts). Worker 1 starts
 * alone first, so migrations, the dev identity and the demo models are made once; the others
 * follow. A worker that dies is replaced; one that keeps dying stops the server.
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { UsageError, type Io } from './args.ts'
import { serveWrites, writesThroughPrimary } from './cluster-writes.ts'

/** `<index>/<count>` in each worker's environment; worker 1 is the one that runs the schedules. */
const ROLE_ENV = 'NEXORA_WORKER'
/** A worker index that exits this often within RESTART_WINDOW_MS is given up on. */
const MAX_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000

export interface WorkerRole {
  index: number
  count: number
  /** Worker 1: prints the banner and runs the periodic jobs (audit checkpoints, monitoring evaluation). */
  leader: boolean
}

/** `--workers`: a count from 1 to 64, or `auto` (one per core). */
export function workersFlag(value: string | undefined): number {
  if (value === undefined) return 1
  if (value === 'auto') return availableParallelism()
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--workers must be an integer from 1 to 64, or auto')
  return n
}

/** This process's place in a `--workers` server; undefined when it runs alone. */
export function workerRole(): WorkerRole | undefined {
  const match = cluster.isWorker ? /^(\d+)\/(\d+)$/.exec(process.env[ROLE_ENV] ?? '') : null
  if (!match) return undefined
  const index = Number(match[1])
  return { index, count: Number(match[2]), leader: index === 1 }
}

/** A worker tells the primary it serves (the primary waits for this before starting the next). */
export function reportListening(url: string) {
  if (cluster.isWorker) process.send?.({ nexora: 'listening', url })
}

/** Fork worker `index` and resolve with its URL once it listens, or reject with its exit code if it ends first. */
function start(index: number, count: number): { worker: Worker; listening: Promise<string> } {
  // The V8 serialiser on the channel: the audit batches that cross it are cheaper to clone than to JSON-encode.
  cluster.setupPrimary({ serialization: 'advanced' })
  const worker = cluster.fork({ [ROLE_ENV]: `${index}/${count}` })
  const listening = new Promise<string>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const m = message as { nexora?: string; url?: string }
      if (m?.nexora !== 'listening' || !m.url) return
      worker.off('exit', onExit)
      resolve(m.url)
    }
    const onExit = (code: number | null, signal: string | null) => {
      worker.off('message', onMessage)
      reject(Object.assign(new Error(`worker ${index} exited before listening (${signal ?? code})`), { exitCode: code || 1 }))
    }
    worker.on('message', onMessage)
    worker.once('exit', onExit)
  })
  return { worker, listening }
}

/** Run the primary: start the workers, replace the ones that die, and drain them all on SIGTERM/SIGINT. Resolves with the exit code. */
export async function runPrimary(count: number, io: Io, storage: { url?: string; durability: 'full' | 'normal' }): Promise<number> {
  // On a libSQL file the primary commits every worker's writes (cluster-writes.ts); it opens (and migrates) the file first.
  const writes = writesThroughPrimary(storage.url) ? await serveWrites(storage.url, storage.durability) : undefined
  const workers = new Map<number, Worker>()
  const restarts = new Map<number, number[]>()
  let stopping = false
  let finish: (code: number) => void = () => {}
  const done = new Promise<number>((resolve) => {
    finish = resolve
  })

  const stopAll = (signal: NodeJS.Signals, code: number) => {
    if (stopping) return
    stopping = true
    const alive = [...workers.values()].filter((w) => !w.isDead())
    if (alive.length === 0) return finish(code)
    let left = alive.length
    for (const w of alive) {
      w.once('exit', () => --left === 0 && finish(code))
      w.process.kill(signal)
    }
  }
  process.once('SIGTERM', () => stopAll('SIGTERM', 0))
  // SIGTERM to each worker either way: a terminal's Ctrl-C also reaches them, and a second SIGINT would end a worker without draining.
  process.once('SIGINT', () => stopAll('SIGTERM', 0))

  let started = false
  const watch = (index: number, worker: Worker, listening: Promise<string>) => {
    workers.set(index, worker)
    let listened = false
    listening.then(
      () => {
        listened = true
      },
      () => {},
    )
    worker.once('exit', (code, signal) => {
      // Before the server is up, a worker that cannot start fails it (below); after, every exit is replaced.
      if (stopping || (!started && !listened)) return
      io.err(JSON.stringify({ ts: new Date().toISOString(), level: 'error', event: 'worker.exited', worker: index, code, signal }))
      const now = Date.now()
      const recent = [...(restarts.get(index) ?? []).filter((t) => now - t < RESTART_WINDOW_MS), now]
      restarts.set(index, recent)
      if (recent.length > MAX_RESTARTS) {
        io.err(`nexora serve: worker ${index} exited ${recent.length} times within a minute; stopping`)
        return stopAll('SIGTERM', 1)
      }
      const next = start(index, count)
      watch(index, next.worker, next.listening)
    })
  }

  try {
    const first = start(1, count)
    watch(1, first.worker, first.listening)
    const url = await first.listening
    const rest = Array.from({ length: count - 1 }, (_, i) => {
      const s = start(i + 2, count)
      watch(i + 2, s.worker, s.listening)
      return s.listening
    })
    await Promise.all(rest)
    started = true
    io.err(`all ${count} workers are serving ${url.replace('127.0.0.1', 'localhost')}`)
  } catch (error) {
    // A worker that cannot start (configuration, port, database) fails the whole server, with its code.
    stopAll('SIGTERM', (error as { exitCode?: number }).exitCode ?? 1)
  }
  const code = await done
  await writes?.close()
  return code
}
