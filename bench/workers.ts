/**
 * `npm run bench -- workers`: `nexora serve --workers 2` against `--workers 1` (one process), the
 * same checkout and settings (dev mode's token, the libSQL file with synchronous=FULL, the audit
 * writer thread, the monitoring log, rate limits raised so every answer is a 200), rounds
 * interleaved, autocannon at 32 connections from this process. The audit chain of the two-worker
 * server is verified after the run. On a two-core machine the load generator takes a core of its own.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres } from '../testkit/postgres.ts'
import { type Figures, load, ratio, rounds, seconds, summary } from './predict-load.ts'

/** CPU seconds (user + system, every thread) the server's processes have used: the primary and its workers. */
function cpuSeconds(primary: number): number {
  const children = execFileSync('sh', ['-c', `pgrep -P ${primary} || true`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number)
  let ticks = 0
  for (const pid of [primary, ...children]) {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks / 100
}

/** One load run, with the server's CPU time per answered request. */
async function measure(server: { base: string; token: string; pid: number }): Promise<Figures & { cpuUsPerRequest: number }> {
  const before = cpuSeconds(server.pid)
  const figures = await load(`${server.base}/predict`, { token: server.token })
  const used = cpuSeconds(server.pid) - before
  return { ...figures, cpuUsPerRequest: (used * 1e6) / (figures.rps * seconds) }
}

const BIN = new URL('../bin/nexora.mjs', import.meta.url).pathname
const unlimited = { capacity: 1e9, refillPerSecond: 1e9 }

async function serve(workers: number, db?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-workers-bench-'))
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--workers', String(workers), '--db', db ?? `file:${join(dir, 'nexora.db')}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NEXORA_DATA_DIR: dir,
      NEXORA_LOG_LEVEL: 'warn',
      NEXORA_DEV_FHIR_PORT: 'off',
      NEXORA_RATE_LIMITS: JSON.stringify({ predict: unlimited, read: unlimited, audit: unlimited }),
    },
  })
  const exited = new Promise((r) => child.once('exit', r))
  const ready = workers > 1 ? new RegExp(`all ${workers} workers are serving (http://\\S+)`) : /listening on (http:\/\/\S+)/
  const base = await new Promise<string>((resolve, reject) => {
    let text = ''
    child.stderr.on('data', (d) => {
      text += String(d)
      const m = ready.exec(text)
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'))
    })
    child.once('exit', (code) => reject(new Error(`nexora serve --workers ${workers} exited with ${code}: ${text.slice(-500)}`)))
  })
  const token = readFileSync(join(dir, 'dev-token'), 'utf8').trim()
  return {
    base,
    token,
    pid: child.pid!,
    verify: async () =>
      (await (await fetch(`${base}/audit/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as {
        ok: boolean
        events: number
      },
    async close() {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function workersBench() {
  // BENCH_WORKERS_DB=postgres: both servers on a PostgreSQL server started here (the scale-out store) instead of a libSQL file each.
  const pg = process.env.BENCH_WORKERS_DB === 'postgres' ? await startPostgres() : undefined
  const [one, two] = [await serve(1, await pg?.createDatabase()), await serve(2, await pg?.createDatabase())]
  try {
    await load(`${one.base}/predict`, { token: one.token })
    await load(`${two.base}/predict`, { token: two.token })
    const oneRuns: Awaited<ReturnType<typeof measure>>[] = []
    const twoRuns: typeof oneRuns = []
    for (let i = 0; i < rounds; i++) {
      oneRuns.push(await measure(one))
      twoRuns.push(await measure(two))
    }
    const cpu = (runs: typeof oneRuns) => Math.round(runs.reduce((s, r) => s + r.cpuUsPerRequest, 0) / runs.length)
    const chain = await two.verify()
    return {
      store: pg ? 'postgres' : 'libsql',
      oneWorker: { ...summary(oneRuns), cpuUsPerRequest: cpu(oneRuns) },
      twoWorkers: { ...summary(twoRuns), cpuUsPerRequest: cpu(twoRuns) },
      ratio: ratio(twoRuns, oneRuns),
      target: 1.7,
      chainVerified: chain.ok,
      events: chain.events,
    }
  } finally {
    await Promise.all([one.close(), two.close()])
    await pg?.stop()
  }
}
