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
