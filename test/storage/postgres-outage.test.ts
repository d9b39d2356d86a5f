/**
 * Two `nexora serve` replicas on one real PostgreSQL, under load, while the database goes away:
 * a `pg_ctl restart -m fast`, then `pg_terminate_backend` of every Nexora session. Both replicas
 * must survive, answer only 200 or a coded 503 problem+json (never a 500 or a dropped
 * connection), serve 200s again within seconds, and leave one valid chain with no orphan events.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSql } from '../../plugins/storage-sql/index.ts'
import { startPostgres, type PostgresServer } from '../../testkit/postgres.ts'
import { startServe, type ServeProcess } from '../../testkit/serve-process.ts'

const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
/** The 503 codes a storage outage may answer with: the database itself, or the audit trail that lives in it. */
const OUTAGE_CODES = ['storage.unavailable', 'audit.write_failed']
/** Each load loop waits this long between requests, so a replica's dev principal stays under its 100/s predict bucket (no 429s). */
const PACE_MS = 70
const LOOPS_PER_REPLICA = 6

interface Answer {
  id: string
  replica: number
  status: number
  code?: string
  type?: string
  at: number
}

let pg: PostgresServer
const dirs: string[] = []
beforeAll(async () => {
  pg = await startPostgres()
}, 60_000)
afterAll(async () => {
  await pg?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function send(server: ServeProcess, replica: number, id: string): Promise<Answer> {
  try {
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, 'x-request-id': id },
      body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: `p-${id.length % 7}`, features }] }),
    })
    const type = res.headers.get('content-type') ?? ''
    const body = await res.text()
    const code = res.status === 200 ? undefined : (JSON.parse(body) as { code?: string }).code
    // The server's own request id keys the audit events (a client's id is only a correlation id).
    return { id: res.headers.get('x-request-id') ?? id, replica, status: res.status, code, type, at: Date.now() }
  } catch {
    // A reset or refused connection: the replica died or dropped it.
    return { id, replica, status: 0, at: Date.now() }
  }
}

/** Until `done()`, each replica gets LOOPS_PER_REPLICA paced request loops; every answer is kept. */
function load(servers: ServeProcess[]) {
  const answers: Answer[] = []
  let stop = false
  let n = 0
  const loop = async (server: ServeProcess, replica: number) => {
    while (!stop) {
      answers.push(await send(server, replica, `outage-${replica}-${n++}`))
      await new Promise((r) => setTimeout(r, PACE_MS))
    }
  }
  const running = servers.flatMap((s, i) => Array.from({ length: LOOPS_PER_REPLICA }, () => loop(s, i)))
  return {
    answers,
    done: async () => {
      stop = true
      await Promise.all(running)
    },
  }
}

/** Resolves with how long after `since` every replica answered a 200 again (polled from the answers so far). */
async function recovered(answers: Answer[], replicas: number, since: number, withinMs: number): Promise<number> {
  const deadline = since + withinMs
  for (;;) {
    const back = Array.from({ length: replicas }, (_, r) => answers.find((a) => a.replica === r && a.status === 200 && a.at > since)?.at)
    if (back.every((t) => t !== undefined)) return Math.max(...(back as number[])) - since
    if (Date.now() > deadline) return Number.POSITIVE_INFINITY
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('two replicas on one PostgreSQL through database outages', () => {
  it('survive pg_ctl restart and pg_terminate_backend under load: only 200s and coded 503s, recovery within seconds, one valid chain, no orphan events', {
    timeout: 120_000,
  }, async () => {
    const db = await pg.createDatabase()
    const servers = await Promise.all(
      [0, 1].map(async (i) => {
        const dir = mkdtempSync(join(tmpdir(), `nexora-outage-${i}-`))
        dirs.push(dir)
        return startServe(dir, { NEXORA_LOG_LEVEL: 'error' }, { db })
      }),
    )
    let answers: Answer[] = []
    try {
      for (const [i, server] of servers.entries()) expect((await send(server, i, `warm-${i}`)).status).toBe(200)
      const traffic = load(servers)
      await new Promise((r) => setTimeout(r, 1500))

      const restartStarted = Date.now()
      await pg.restart()
      const restarted = Date.now()
      const afterRestart = await recovered(traffic.answers, servers.length, restarted, 10_000)
      await new Promise((r) => setTimeout(r, 1000))

      const terminatedAt = Date.now()
      const ended = await pg.terminateSessions(db)
      const afterTerminate = await recovered(traffic.answers, servers.length, terminatedAt, 10_000)
      await new Promise((r) => setTimeout(r, 1000))
      await traffic.done()
      answers = traffic.answers
      console.info(
        `outage: ${answers.length} answers (${answers.filter((a) => a.status === 200).length} 200s, ${answers.filter((a) => a.status === 503).length} ` +
          `503s); 200s again ${afterRestart} ms after the restart, ${afterTerminate} ms after terminating ${ended} sessions`,
      )

      // Both replicas are still running.
      expect(servers.map((s) => [s.child.exitCode, s.child.signalCode])).toEqual([
        [null, null],
        [null, null],
      ])
      // Only 200s and coded 503 problem+json: no 500, no dropped connection, no other status.
      const wrong = answers.filter(
        (a) => !(a.status === 200 || (a.status === 503 && a.type?.startsWith('application/problem+json') && OUTAGE_CODES.includes(a.code!))),
      )
      expect(wrong.slice(0, 5), `${wrong.length} unexpected answers`).toEqual([])
      // The restart was an outage the replicas answered with 503s, and they served again within seconds.
      expect(answers.some((a) => a.status === 503 && a.at >= restartStarted && a.at <= restarted + afterRestart)).toBe(true)
      expect(afterRestart).toBeLessThan(10_000)
      expect(ended).toBeGreaterThan(0)
      expect(afterTerminate).toBeLessThan(10_000)
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(50)
    } finally {
      for (const server of servers) server.child.kill('SIGTERM')
      await Promise.all(servers.map((s) => s.exited))
    }

    // One valid chain across both replicas and both outages.
    const cli = new URL('../../bin/nexora.mjs', import.meta.url).pathname
    const verify = await promisify(execFile)(process.execPath, [cli, 'audit', 'verify', '--db', db])
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true })

    // Both events or neither for every request, and both for every prediction that got a 200.
    const reader = await openSql(db)
    try {
      const rows = await reader.all<{ request_id: string; action: string }>(
        sql`SELECT request_id, action FROM audit_events WHERE action IN ('predict.request', 'predict.response')`,
      )
      const byRequest = new Map<string, string[]>()
      for (const r of rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r.action])
      const orphans = [...byRequest].filter(([, actions]) => actions.includes('predict.response') && !actions.includes('predict.request')).map(([id]) => id)
      expect(orphans).toEqual([])
      const missing = answers
        .filter((a) => a.status === 200)
        .map((a) => a.id)
        .filter((id) => (byRequest.get(id) ?? []).sort().join() !== 'predict.request,predict.response')
      expect(missing).toEqual([])
    } finally {
      await reader.close()
    }
  })
})
