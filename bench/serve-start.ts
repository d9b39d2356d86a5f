/**
 * `npm run bench -- serve-start`: `nexora serve` (dev mode, as `npm start` runs it: the demo models
 * registered, the dev FHIR server, the web UI) from process start to its first 200 on /health/ready,
 * and its resident memory after one /predict, against a plain node:http server started the same way
 * (the floor: Node's own start and memory). The checkout runs its TypeScript through tsx, which
 * the published package (dist/) does not: NEXORA_BENCH_BIN names another `nexora` bin to measure,
 * such as an installed package's `node_modules/.bin/nexora`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PREDICT_BODY } from './predict-load.ts'

const ROOT = new URL('../', import.meta.url).pathname
const rounds = Number(process.env.BENCH_ROUNDS ?? 2)

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

/** Spawn, read the URL from its output, poll `path` until 200; returns ms to that 200, the URL, and the process. */
async function start(args: string[], env: Record<string, string>, cwd: string, path: string) {
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await new Promise<string>((resolve, reject) => {
    let text = ''
    const look = (d: Buffer) => {
      text += String(d)
      const m = /(?:listening on |^URL )(http:\/\/[\w.:]+)/m.exec(text)
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'))
    }
    child.stdout.on('data', look)
    child.stderr.on('data', look)
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${text.slice(-500)}`)))
  })
  for (;;) {
    if ((await fetch(`${url}${path}`).catch(() => undefined))?.status === 200) break
    await new Promise((r) => setTimeout(r, 5))
  }
  return { ms: performance.now() - started, url, child }
}

const stop = async (child: ReturnType<typeof spawn>) => {
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

async function once() {
  const plain = await start(
    ['-e', "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, () => console.log('URL http://127.0.0.1:' + s.address().port))"],
    {},
    ROOT,
    '/',
  )
  const floor = { ms: plain.ms, rss: rssMb(plain.child.pid!) }
  await stop(plain.child)

  const dir = mkdtempSync(join(tmpdir(), 'nexora-start-'))
  try {
    const env = { NEXORA_DATA_DIR: join(dir, 'data'), NEXORA_DB: `file:${join(dir, 'data/nexora.db')}`, NEXORA_LOG_LEVEL: 'warn' }
    const bin = process.env.NEXORA_BENCH_BIN ?? join(ROOT, 'bin/nexora.mjs')
    const serve = await start([bin, 'serve', '--port', '0'], env, dir, '/health/ready')
    const token = readFileSync(join(dir, 'data/dev-token'), 'utf8').trim()
    const res = await fetch(`${serve.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: PREDICT_BODY,
    })
    if (res.status !== 200) throw new Error(`/predict answered ${res.status}`)
    const nexora = { ms: serve.ms, rss: rssMb(serve.child.pid!) }
    await stop(serve.child)
    return { floor, nexora }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function serveStart() {
  const runs: Awaited<ReturnType<typeof once>>[] = []
  for (let i = 0; i < rounds; i++) runs.push(await once())
  const best = (pick: (r: (typeof runs)[number]) => number) => Math.min(...runs.map(pick))
  const nexora = { toFirst200Ms: Math.round(best((r) => r.nexora.ms)), rssMb: Math.round(best((r) => r.nexora.rss)) }
  const floor = { toFirst200Ms: Math.round(best((r) => r.floor.ms)), rssMb: Math.round(best((r) => r.floor.rss)) }
  return {
    nexora,
    plainNodeHttp: floor,
    startRatio: Number((nexora.toFirst200Ms / floor.toFirst200Ms).toFixed(1)),
    rssRatio: Number((nexora.rssMb / floor.rssMb).toFixed(1)),
    rounds,
  }
}
