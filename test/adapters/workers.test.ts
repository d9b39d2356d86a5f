import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { checkPredictionTrail, predictionLoad } from '../../testkit/audit-trail-check.ts'
import { startServe } from '../../testkit/serve-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-workers-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const unlimited = { capacity: 1e9, refillPerSecond: 1e9 }

/** The primary's worker processes, oldest first (not tsx's esbuild service, also its child in a checkout). */
const workerPids = (primary: number) =>
  execFileSync('pgrep', ['-P', String(primary)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('nexora.mjs'))

/** Wait for `what`; past the deadline, fail with what the server wrote (a loaded machine is slow, not wrong: the bound is generous). */
const until = async (what: () => boolean, server: { stderr(): string }, label: string, ms = 60_000) => {
  for (const deadline = Date.now() + ms; !what(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}; the server's last words:\n${server.stderr().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('nexora serve --workers', () => {
  it('serves from two processes on one port and one audit chain, replaces a worker killed with -9, and loses no committed event', {
    timeout: 240_000,
  }, async () => {
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn', NEXORA_RATE_LIMITS: JSON.stringify({ predict: unlimited }) }, { args: ['--workers', '2'] })
    await until(() => server.stderr().includes('all 2 workers are serving'), server, 'both workers')
    const first = workerPids(server.child.pid!)
    expect(first).toHaveLength(2)

    const load = predictionLoad(server, { clients: 16, retry: true })
    const { ok } = load
    await until(() => ok.length >= 60, server, '60 answers')
    process.kill(first[0]!, 'SIGKILL')
    await until(() => server.stderr().includes('"event":"worker.exited"'), server, 'the exit report')
    const before = ok.length
    await until(() => ok.length >= before + 60 && workerPids(server.child.pid!).length === 2, server, '60 more answers and a replacement')
    await load.stop()
    const now = workerPids(server.child.pid!)
    expect(now).toHaveLength(2)
    expect(now).not.toContain(first[0])
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)

    const { lost, events, verified } = await checkPredictionTrail(`file:${join(dir, 'nexora.db')}`, ok)
    expect(lost).toEqual([])
    expect(verified).toMatchObject({ ok: true, events })
    console.info(
      `--workers 2, kill -9 of worker 1: ${ok.length} predictions answered 200, ${load.failed()} failed, ${lost.length} lost audit events, ${events} verified`,
    )
  })

  it('refuses a worker count it cannot run', async () => {
    const run = promisify(execFile)(process.execPath, [new URL('../../bin/nexora.mjs', import.meta.url).pathname, 'serve', '--workers', '0'])
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--workers must be an integer from 1 to 64, or auto') })
  })
})
