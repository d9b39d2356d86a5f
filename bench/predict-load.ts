/**
 * What the HTTP benchmarks share: the bench server (bench/predict-server.ts) in a child process,
 * and autocannon at 32 connections from this process, counting only 2xx answers.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

export const seconds = Number(process.env.BENCH_SECONDS ?? 8)
export const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
export const CONNECTIONS = 32

/** The README's /predict body. */
export const PREDICT_BODY = JSON.stringify({
  model: 'readmission-risk',
  rows: [
    {
      patientId: 'bench-1',
      features: { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true },
    },
  ],
})

export interface Figures {
  rps: number
  p50: number
  p99: number
}

export async function load(url: string, options: { token?: string; body?: string } = {}): Promise<Figures> {
  const r = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: options.body ?? PREDICT_BODY,
  })
  // A fast error is not a fast answer: any non-2xx makes the figures meaningless.
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx responses and ${r.errors} errors`)
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 }
}

const mean = (xs: Figures[], k: keyof Figures) => xs.reduce((s, x) => s + x[k], 0) / xs.length
export const summary = (xs: Figures[]) => ({ rps: Math.round(mean(xs, 'rps')), p50: mean(xs, 'p50'), p99: mean(xs, 'p99') })
export const ratio = (a: Figures[], b: Figures[]) => Number((mean(a, 'rps') / mean(b, 'rps')).toFixed(3))

export interface BenchServer {
  base: string
  token: string
  child: ChildProcess
  close(): Promise<void>
}

/** bench/predict-server.ts on a fresh libSQL file; `nodeArgs` go before the script (e.g. --cpu-prof). */
export async function startPredictServer(nodeArgs: string[] = []): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-bench-'))
  const script = new URL('./predict-server.ts', import.meta.url).pathname
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, `file:${join(dir, 'bench.db')}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NEXORA_LOG_LEVEL: 'warn' },
  })
  const exited = new Promise((r) => child.once('exit', r))
  const [base, token] = await new Promise<string[]>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(String(d).trim().split(' ')))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
  return {
    base: base!,
    token: token!,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
