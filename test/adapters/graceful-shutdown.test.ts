import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openLibsql } from '../../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../../plugins/sql-stores/index.ts'
import { startServe } from '../../testkit/serve-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-sigterm-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }

describe('nexora serve shutdown', () => {
  it('on SIGTERM drains in-flight requests, commits their audit events and exits 0', { timeout: 120_000 }, async () => {
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn' })
    const { url, token, exited } = server
    const db = `file:${join(dir, 'nexora.db')}`
    // The server's own request id (X-Request-Id on the answer) keys the audit events; a client's is only a correlation id.
    // Each request has its own deadline: on a loaded machine a few of undici's sockets were seen never to settle after
    // the server had exited 0, which is a client-side stall; what this test proves is on the server side (below).
    const send = (i: number) =>
      fetch(`${url}/predict`, {
        method: 'POST',
        signal: AbortSignal.timeout(30_000),
        headers: { 'content-type': 'application/json', 'x-request-id': `drain-${i}`, authorization: `Bearer ${token}` },
        body: JSON.stringify({ model: 'readmission-risk', rows: [{ features }] }),
      }).then(
        (r) => ({ status: r.status, id: r.headers.get('x-request-id') }),
        () => ({ status: 'refused' as const, id: null }),
      )
    const inFlight = Array.from({ length: 100 }, (_, i) => send(i))
    await new Promise((r) => setTimeout(r, 5))
    server.child.kill('SIGTERM')
    const answers = await Promise.all(inFlight)
    const statuses = answers.map((a) => a.status)
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(`still running 20 s after SIGTERM: ${server.stderr()}`), 20_000).unref())])
    expect(code).toBe(0)
    expect(statuses.every((s) => s === 200 || s === 'refused')).toBe(true)
    const ok = answers.filter((a) => a.status === 200).map((a) => a.id)
    expect(ok.length).toBeGreaterThan(0)
    expect((await send(999)).status).toBe('refused')
    const reader = await openLibsql(db, 'normal')
    const sink = sqlAuditSink(reader)
    const { events } = await sink.query({}, { limit: 10_000 })
    for (const id of ok)
      expect(
        events.filter((e) => e.requestId === id),
        String(id),
      ).toHaveLength(2)
    expect(await sink.verify()).toMatchObject({ ok: true })
    await reader.close()
  })
})
