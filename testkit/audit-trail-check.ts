import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { openLibsql } from '../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../plugins/sql-stores/index.ts'

/**
 * After a crash test: which predictions answered 200 lack either of their two audit events in the
 * database file (by the server's request id), and what `nexora audit verify` (a process of its own) says of the chain.
 */
export async function checkPredictionTrail(dbUrl: string, answered: string[]) {
  const db = await openLibsql(dbUrl, 'full')
  const { events } = await sqlAuditSink(db).query({}, { limit: 1_000_000 })
  await db.close()
  const byRequest = new Map<string, string[]>()
  for (const e of events) byRequest.set(e.requestId ?? '', [...(byRequest.get(e.requestId ?? '') ?? []), e.action])
  const lost = answered.filter((id) => (byRequest.get(id) ?? []).sort().join() !== 'predict.request,predict.response')
  const cli = await promisify(execFile)(process.execPath, [new URL('../bin/nexora.mjs', import.meta.url).pathname, 'audit', 'verify', '--db', dbUrl])
  return { lost, events: events.length, verified: JSON.parse(cli.stdout) as { ok: boolean; events: number } }
}

const DEMO_FEATURES = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }

/**
 * `clients` loops of `POST /predict` against a server about to be killed: `ok` collects the server's
 * request ids of the 200s (they key the audit events). A failed request (the killed process's
 * connection) ends its loop, or with `retry` counts in `failed` and goes on (a worker replaced behind the same port).
 */
export function predictionLoad(server: { url: string; token: string }, options: { clients: number; retry?: boolean }) {
  const ok: string[] = []
  let failed = 0
  let stopped = false
  let n = 0
  const client = async () => {
    while (!stopped) {
      n++
      const [status, id] = await fetch(`${server.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: `p-${n % 50}`, features: DEMO_FEATURES }] }),
        // A request on a connection the killed process held may never be answered: give up on it, as a client would.
        signal: AbortSignal.timeout(20_000),
      }).then(
        async (r) => {
          await r.arrayBuffer()
          return [r.status, r.headers.get('x-request-id') ?? ''] as const
        },
        () => [0, ''] as const,
      )
      if (status === 200) ok.push(id)
      else if (status !== 0 || !options.retry) return
      else failed++
    }
  }
  const loops = Array.from({ length: options.clients }, client)
  return {
    ok,
    failed: () => failed,
    async stop() {
      stopped = true
      await Promise.all(loops)
    },
  }
}
