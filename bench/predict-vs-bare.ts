/**
 * /predict (validation, two committed audit events, the model) against a bare Hono route on
 * the same server, with autocannon at 32 connections from a separate process. Rounds
 * alternate bare/predict so drift on a noisy machine hits both; the ratio is the result.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'

const seconds = Number(process.env.BENCH_SECONDS ?? 8)
const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
const body = JSON.stringify({
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
  non2xx: number
  errors: number
}

async function load(url: string, token: string): Promise<Figures> {
  const r = await autocannon({
    url,
    method: 'POST',
    connections: 32,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  })
  // A fast error is not a fast answer: any non-2xx makes the figures meaningless.
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx responses and ${r.errors} errors`)
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors }
}

const mean = (xs: Figures[], k: keyof Figures) => xs.reduce((s, x) => s + x[k], 0) / xs.length

export async function predictVsBare() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-bench-'))
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./predict-server.ts', import.meta.url).pathname, `file:${join(dir, 'bench.db')}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NEXORA_LOG_LEVEL: 'warn' },
  })
  try {
    const [base, token] = await new Promise<string[]>((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(String(d).trim().split(' ')))
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
    })
    await load(`${base}/predict`, token!) // warm-up: JIT, model cache, WAL
    const bare: Figures[] = []
    const echo: Figures[] = []
    const predict: Figures[] = []
    for (let i = 0; i < rounds; i++) {
      bare.push(await load(`${base}/bench/bare`, token!))
      echo.push(await load(`${base}/bench/echo`, token!))
      predict.push(await load(`${base}/predict`, token!))
    }
    const summary = (xs: Figures[]) => ({ rps: Math.round(mean(xs, 'rps')), p50: mean(xs, 'p50'), p99: mean(xs, 'p99') })
    return {
      bare: summary(bare),
      echo: summary(echo),
      predict: summary(predict),
      ratio: Number((mean(predict, 'rps') / mean(bare, 'rps')).toFixed(3)),
      ratioVsNexoraRoute: Number((mean(predict, 'rps') / mean(echo, 'rps')).toFixed(3)),
      target: 0.4,
      connections: 32,
      seconds,
      rounds,
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}
