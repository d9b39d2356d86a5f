import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkPredictionTrail, predictionLoad } from '../../testkit/audit-trail-check.ts'
import { startServe } from '../../testkit/serve-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-kill-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('audit durability under kill -9', () => {
  it('keeps both audit events of every prediction that got a 200 when the server is SIGKILLed under load', { timeout: 90_000 }, async () => {
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn' })
    const load = predictionLoad(server, { clients: 24 })
    const { ok } = load
    // Kill once the load is real (60 answers), not after a fixed time: a loaded machine answers fewer per second.
    for (const deadline = Date.now() + 45_000; ok.length < 60 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50))
    server.child.kill('SIGKILL')
    await server.exited
    await load.stop()
    expect(ok.length).toBeGreaterThan(50)

    // Restart on the same file: it must open, recover the WAL and serve again.
    const again = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn' })
    expect((await fetch(`${again.url}/health`)).status).toBe(200)
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)

    const { lost, events, verified } = await checkPredictionTrail(`file:${join(dir, 'nexora.db')}`, ok)
    expect(lost).toEqual([])
    expect(verified).toMatchObject({ ok: true })
    console.info(`kill -9 durability: ${ok.length} predictions answered 200, ${lost.length} lost audit events, ${events} events verified`)
  })
})
