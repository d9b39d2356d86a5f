/**
 * `npm run bench -- vs-seed` (opt-in): Nexora's /predict against the seed's Python serving stack
 * (FastAPI + Uvicorn, one worker, scikit-learn, SQLite audit with synchronous=FULL;
 * ../shared/bench/seed-reference, or NEXORA_SEED_REFERENCE), each with its own README body, the
 * same autocannon settings, rounds interleaved. Skipped, saying why, when the reference or
 * Debian's python3-fastapi and python3-uvicorn are missing.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CONNECTIONS, type Figures, load, ratio, rounds, seconds, startPredictServer, summary } from './predict-load.ts'

const PYTHON = '/usr/bin/python3'
const reference = resolve(process.env.NEXORA_SEED_REFERENCE ?? new URL('../../shared/bench/seed-reference', import.meta.url).pathname)

function missing(): string | undefined {
  if (!existsSync(join(reference, 'app.py'))) return `no seed reference at ${reference} (set NEXORA_SEED_REFERENCE)`
  try {
    execFileSync(PYTHON, ['-c', 'import fastapi, uvicorn, sklearn'], { stdio: 'ignore' })
    return undefined
  } catch {
    return `${PYTHON} lacks FastAPI, Uvicorn or scikit-learn: apt-get install python3-fastapi python3-uvicorn python3-sklearn`
  }
}

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => done(port))
    })
  })

async function startSeed() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-seed-'))
  const port = await freePort()
  const args = ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--log-level', 'warning']
  const child = spawn(PYTHON, args, { cwd: reference, stdio: 'ignore', env: { ...process.env, AUDIT_DB: join(dir, 'audit.sqlite') } })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if ((await fetch(`${base}/docs`).catch(() => undefined))?.ok) break
    if (i > 300) throw new Error('the seed reference did not start in 30 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    async close() {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function vsSeed() {
  const why = missing()
  if (why) return { skipped: why }
  const seedBody = readFileSync(join(reference, 'payload.json'), 'utf8')
  const [seed, nexora] = [await startSeed(), await startPredictServer()]
  try {
    await load(`${seed.base}/predict`, { body: seedBody })
    await load(`${nexora.base}/predict`, { token: nexora.token })
    const seedRuns: Figures[] = []
    const nexoraRuns: Figures[] = []
    for (let i = 0; i < rounds; i++) {
      seedRuns.push(await load(`${seed.base}/predict`, { body: seedBody }))
      nexoraRuns.push(await load(`${nexora.base}/predict`, { token: nexora.token }))
    }
    return { seed: summary(seedRuns), nexora: summary(nexoraRuns), ratio: ratio(nexoraRuns, seedRuns), target: 15, connections: CONNECTIONS, seconds, rounds }
  } finally {
    await Promise.all([seed.close(), nexora.close()])
  }
}
