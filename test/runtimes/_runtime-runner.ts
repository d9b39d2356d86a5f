/**
 * One runtime's runner: start its real server once with the suite's auth settings, check what
 * the adapter itself answers for (its one stdout line, the client address from the runtime's
 * connection info), then run the shared runtime-server conformance suite against it. Closing
 * checks that SIGTERM drained the server and it exited 0.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openLibsql } from '../../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../../plugins/sql-stores/index.ts'
import type { RuntimeProcess } from '../../testkit/runtime-process.ts'
import type { RuntimeDescriptor } from '../../testkit/runtimes.ts'
import { sign } from '../../testkit/tokens.ts'
import { DEMO_FEATURES, runtimeAuthEnv, runtimeKey, runtimeServerConformance } from '../conformance/runtime-server.suite.ts'

export function runtimeRunner(runtime: RuntimeDescriptor) {
  let started: Promise<RuntimeProcess> | undefined
  const start = () => (started ??= runtimeAuthEnv().then((auth) => runtime.start({ ...auth, NEXORA_LOG_LEVEL: 'warn' })))
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.close()
  }, 30_000)

  describe(`${runtime.name} adapter process`, () => {
    // Started inside the tests, not a hook: a missing binary then fails them by name instead of skipping.
    it('starts under the real binary and prints one stdout line, its URL on the port PORT=0 picked', { timeout: 120_000 }, async () => {
      const server = await start()
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/)
      expect(server.stdout()).toBe(`listening on ${server.url}\n`)
    })

    it('audits the client address from the runtime connection info', async () => {
      const server = await start()
      const key = await runtimeKey()
      const res = await fetch(`${server.url}/predict`, {
        method: 'POST',
        body: JSON.stringify({ model: 'readmission-risk', rows: [{ features: DEMO_FEATURES }] }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(key, { scope: 'nexora/predict' })}` },
      })
      expect(res.status).toBe(200)
      // The server's own request id keys the audit events (a client's X-Request-Id is only a correlation id).
      const requestId = res.headers.get('x-request-id')
      const audit = await fetch(`${server.url}/audit/events?requestId=${requestId}`, {
        headers: { authorization: `Bearer ${await sign(key, { scope: 'nexora/audit.read' })}` },
      })
      const { events } = (await audit.json()) as { events: { action: string; ip: string | null }[] }
      expect(events.map((e) => [e.action, e.ip])).toEqual([
        ['predict.request', '127.0.0.1'],
        ['predict.response', '127.0.0.1'],
      ])
    })

    it('on SIGTERM answers the predictions in flight, commits their audit events and exits 0', { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), `nexora-drain-${runtime.name}-`))
      try {
        const server = await runtime.start({ ...(await runtimeAuthEnv()), NEXORA_LOG_LEVEL: 'warn' }, dir)
        const authorization = `Bearer ${await sign(await runtimeKey(), { scope: 'nexora/predict' })}`
        // A deadline per request: a stalled client socket must not hang the test (see graceful-shutdown.test.ts).
        const send = (i: number) =>
          fetch(`${server.url}/predict`, {
            method: 'POST',
            signal: AbortSignal.timeout(30_000),
            body: JSON.stringify({ model: 'readmission-risk', rows: [{ features: DEMO_FEATURES }] }),
            headers: { 'content-type': 'application/json', 'x-request-id': `drain-${i}`, authorization },
          }).then(
            (r) => ({ status: r.status, id: r.headers.get('x-request-id') }),
            () => ({ status: 'refused' as const, id: null }),
          )
        const inFlight = Array.from({ length: 100 }, (_, i) => send(i))
        await Promise.race(inFlight) // one answered: the server is busy with the rest
        const closed = server.close() // SIGTERM; rejects unless the process exits 0
        const answers = await Promise.all(inFlight)
        const statuses = answers.map((a) => a.status)
        await closed
        expect(statuses.filter((s) => s !== 200 && s !== 'refused')).toEqual([])
        const answered = answers.flatMap((a) => (a.status === 200 ? [a.id] : []))
        expect(answered.length).toBeGreaterThan(0)
        const reader = await openLibsql(`file:${join(dir, 'nexora.db')}`, 'normal')
        try {
          const sink = sqlAuditSink(reader)
          const { events } = await sink.query({}, { limit: 10_000 })
          for (const id of answered)
            expect(
              events.filter((e) => e.requestId === id).map((e) => e.action),
              String(id),
            ).toEqual(['predict.request', 'predict.response'])
          expect(await sink.verify()).toMatchObject({ ok: true })
        } finally {
          await reader.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  runtimeServerConformance(runtime.name, start)
}
