import { sql, type SQL } from 'drizzle-orm'
import {
  checkAgainstCheckpoint,
  EMPTY_HEAD,
  sealEvents,
  serial,
  verifyChain,
  type AuditEvent,
  type AuditEventInput,
  type AuditFilter,
  type AuditSink,
  type ChainHead,
  type Sha256,
} from '../../core/index.ts'
import type { SqlExecutor, SqlRunner } from './executor.ts'
import { isConstraint } from './model-store.ts'

const MAX_RETRIES = 8
const COLUMNS = [
  'seq',
  'ts',
  'actor',
  'action',
  'outcome',
  'patient_ref',
  'model',
  'version',
  'reason',
  'request_id',
  'ip',
  'context',
  'prev_hash',
  'hash',
] as const
const SELECT = sql.raw(`SELECT ${COLUMNS.join(', ')} FROM audit_events`)

interface EventRow {
  seq: number
  ts: string
  actor: string
  action: string
  outcome: string
  patient_ref: string | null
  model: string | null
  version: string | null
  reason: string | null
  request_id: string | null
  ip: string | null
  context: string
  prev_hash: string
  hash: string
}

const toEvent = (r: EventRow): AuditEvent => ({
  seq: Number(r.seq),
  ts: r.ts,
  actor: r.actor,
  action: r.action,
  outcome: r.outcome as AuditEvent['outcome'],
  patientRef: r.patient_ref,
  model: r.model,
  version: r.version,
  reason: r.reason,
  requestId: r.request_id,
  ip: r.ip,
  context: JSON.parse(r.context) as Record<string, unknown>,
  prevHash: r.prev_hash,
  hash: r.hash,
})
const toRow = (e: AuditEvent) => [
  e.seq,
  e.ts,
  e.actor,
  e.action,
  e.outcome,
  e.patientRef ?? null,
  e.model ?? null,
  e.version ?? null,
  e.reason ?? null,
  e.requestId ?? null,
  e.ip ?? null,
  JSON.stringify(e.context),
  e.prevHash,
  e.hash,
]

function where(filter: AuditFilter, afterSeq: number): SQL {
  const c: SQL[] = [sql`seq > ${afterSeq}`]
  if (filter.from) c.push(sql`ts >= ${filter.from}`)
  if (filter.to) c.push(sql`ts < ${filter.to}`)
  if (filter.actor) c.push(sql`actor = ${filter.actor}`)
  if (filter.patientRef) c.push(sql`patient_ref = ${filter.patientRef}`)
  if (filter.action) c.push(sql`action = ${filter.action}`)
  if (filter.model) c.push(sql`model = ${filter.model}`)
  if (filter.outcome) c.push(sql`outcome = ${filter.outcome}`)
  if (filter.requestId) c.push(sql`request_id = ${filter.requestId}`)
  return sql.join(c, sql` AND `)
}

const readHead = async (db: SqlRunner): Promise<ChainHead> => {
  const [last] = await db.all<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`)
  return last ? { seq: Number(last.seq), hash: last.hash } : EMPTY_HEAD
}

/**
 * The hash-chained AuditSink in SQL. Where the executor has a chain lock (PostgreSQL: an advisory
 * lock; a libSQL connection that is its process's sole writer: a write transaction), each batch is
 * sealed against the head read inside it, so writers in several processes take turns. Without one
 * (a shared libSQL connection, D1), a batch is sealed against the cached head; if another writer
 * took those sequence numbers, the primary key refuses it and it is re-sealed.
 */
export function sqlAuditSink(db: SqlExecutor, options: { sha256?: Sha256 } = {}): AuditSink {
  let head: ChainHead | undefined
  const inOrder = serial()

  async function appendOptimistic(inputs: AuditEventInput[]): Promise<AuditEvent[]> {
    for (let attempt = 0; ; attempt++) {
      head ??= await readHead(db)
      const sealed = await sealEvents(head, inputs, options.sha256)
      try {
        await db.insertRows('audit_events', COLUMNS, sealed.map(toRow))
        return sealed
      } catch (error) {
        head = undefined
        if (!isConstraint(error) || attempt >= MAX_RETRIES) throw error
      }
    }
  }

  async function* scan(fromSeq: number, toSeq: number): AsyncIterable<AuditEvent> {
    let after = fromSeq - 1
    for (;;) {
      const rows = await db.all<EventRow>(sql`${SELECT} WHERE seq > ${after} AND seq <= ${toSeq} ORDER BY seq LIMIT 1000`)
      for (const row of rows) yield toEvent(row)
      if (rows.length < 1000) return
      after = Number(rows.at(-1)!.seq)
    }
  }

  return {
    append: (inputs) =>
      inOrder(async () => {
        if (inputs.length === 0) return []
        const sealed = db.withChainLock
          ? await db.withChainLock(async (tx) => {
              const stored = await readHead(tx)
              // Rows at or below a head this sink wrote have vanished (the tail was cut): seal after the head
              // it knows, so the cut stays a gap that verification reports, not a chain that quietly goes on.
              const events = await sealEvents(head && head.seq > stored.seq ? head : stored, inputs, options.sha256)
              await tx.insertRows('audit_events', COLUMNS, events.map(toRow))
              return events
            })
          : await appendOptimistic(inputs)
        const last = sealed.at(-1)!
        head = { seq: last.seq, hash: last.hash }
        return sealed.map(({ seq, hash }) => ({ seq, hash }))
      }),
    async query(filter, page) {
      const rows = await db.all<EventRow>(sql`${SELECT} WHERE ${where(filter, page.afterSeq ?? 0)} ORDER BY seq LIMIT ${page.limit + 1}`)
      const events = rows.slice(0, page.limit).map(toEvent)
      return { events, nextAfterSeq: rows.length > page.limit ? events.at(-1)!.seq : undefined }
    },
    async verify(range = {}) {
      const from = range.fromSeq ?? 1
      const [before] = from > 1 ? await db.all<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit_events WHERE seq = ${from - 1}`) : []
      const start = before ? { seq: Number(before.seq), hash: before.hash } : { ...EMPTY_HEAD, seq: from - 1 }
      const result = await verifyChain(scan(from, range.toSeq ?? Number.MAX_SAFE_INTEGER), start, options.sha256)
      if (range.fromSeq !== undefined || range.toSeq !== undefined) return result
      const [checkpoint] = await db.all<{ seq: number; hash: string; ts: string }>(sql`SELECT seq, hash, ts FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)
      const normalised = checkpoint && { ...checkpoint, seq: Number(checkpoint.seq) }
      const [at] = normalised ? await db.all<{ hash: string }>(sql`SELECT hash FROM audit_events WHERE seq = ${normalised.seq}`) : []
      return checkAgainstCheckpoint(result, normalised, at?.hash, (await readHead(db)).seq)
    },
    async head() {
      const current = await readHead(db)
      return current.seq === 0 ? undefined : current
    },
    checkpoint: (ts) =>
      inOrder(async () => {
        const current = await readHead(db)
        if (current.seq === 0) return undefined
        await db.run(sql`INSERT INTO audit_checkpoints (seq, hash, ts) VALUES (${current.seq}, ${current.hash}, ${ts})`)
        return { seq: current.seq, hash: current.hash, ts }
      }),
  }
}
