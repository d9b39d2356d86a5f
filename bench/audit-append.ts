/**
 * Audit appends per second on the libSQL file (WAL, synchronous=FULL) through the group-commit
 * writer and the hash chain, with 64 concurrent producers, against a baseline of the same rows
 * inserted in the same batch sizes without sealing (no canonical JSON, no SHA-256 chain).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAuditWriter, type AuditEventInput } from '../core/index.ts'
import { openLibsql } from '../plugins/storage-sql/index.ts'
import { sqlAuditSink } from '../plugins/sql-stores/index.ts'

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())
const total = Number(process.env.BENCH_AUDIT_EVENTS ?? 60_000)
const producers = 64

const event = (i: number): AuditEventInput => ({
  ts: new Date().toISOString(),
  actor: `user-${i % 50}`,
  action: i % 2 ? 'predict.response' : 'predict.request',
  outcome: 'success',
  patientRef: `Patient/${i % 5000}`,
  model: 'readmission-risk',
  version: '1.0.0',
  requestId: `req-${i >> 1}`,
  ip: '10.0.0.1',
  context: { via: 'http', rows: 1, purpose: 'TREAT', inputHash: 'f'.repeat(64) },
})

async function drive(write: (e: AuditEventInput) => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: producers }, async () => {
      while (next < total) await write(event(next++))
    }),
  )
  return total / ((performance.now() - started) / 1000)
}

export async function auditAppend() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-audit-bench-'))
  try {
    const chained = await openLibsql(`file:${join(dir, 'chained.db')}`, 'full')
    const writer = createAuditWriter(sqlAuditSink(chained, { sha256 }), { schedule: setImmediate })
    const eventsPerSecond = await drive((e) => writer.write([e]))
    const verified = await sqlAuditSink(chained, { sha256 }).verify()
    await chained.close()

    const plain = await openLibsql(`file:${join(dir, 'plain.db')}`, 'full')
    let seq = 0
    const baselineSink = {
      append: async (events: AuditEventInput[]) => {
        const rows = events.map((e) => [
          ++seq,
          e.ts,
          e.actor,
          e.action,
          e.outcome,
          e.patientRef,
          e.model,
          e.version,
          null,
          e.requestId,
          e.ip,
          JSON.stringify(e.context),
          '',
          '',
        ])
        await plain.insertRows(
          'audit_events',
          ['seq', 'ts', 'actor', 'action', 'outcome', 'patient_ref', 'model', 'version', 'reason', 'request_id', 'ip', 'context', 'prev_hash', 'hash'],
          rows,
        )
        return rows.map((r) => ({ seq: r[0] as number, hash: '' }))
      },
      query: async () => ({ events: [] }),
      verify: async () => ({ ok: true, events: 0 }),
      checkpoint: async () => undefined,
    }
    const baselineWriter = createAuditWriter(baselineSink, { schedule: setImmediate })
    const baselinePerSecond = await drive((e) => baselineWriter.write([e]))
    await plain.close()
    return {
      events: total,
      producers,
      eventsPerSecond: Math.round(eventsPerSecond),
      baselineUnchainedPerSecond: Math.round(baselinePerSecond),
      ratio: Number((eventsPerSecond / baselinePerSecond).toFixed(3)),
      target: 20_000,
      chainVerified: verified.ok && verified.events === total,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
