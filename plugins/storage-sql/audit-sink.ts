import { and, asc, desc, eq, gt, gte, lt, lte, type SQL } from 'drizzle-orm'
import { checkAgainstCheckpoint, serial, sealEvents, verifyChain, EMPTY_HEAD, type AuditEvent, type AuditFilter, type AuditSink, type ChainHead, type Sha256 } from '../../core/index.ts'
import type { SqlDb } from './connection.ts'
import { isConstraint } from './model-store.ts'
import { auditCheckpoints, auditEvents } from './schema.ts'

const CHUNK = 500
const MAX_RETRIES = 8
const COLUMNS = ['seq', 'ts', 'actor', 'action', 'outcome', 'patient_ref', 'model', 'version', 'reason', 'request_id', 'ip', 'context', 'prev_hash', 'hash']
const ROW = `(${COLUMNS.map(() => '?').join(',')})`

/**
 * One multi-row INSERT per chunk, with positional arguments: the audit append is on every
 * prediction's path, and building it through the query builder cost more than the insert itself.
 */
function insertStatements(sealed: AuditEvent[]) {
  const statements = []
  for (let i = 0; i < sealed.length; i += CHUNK) {
    const chunk = sealed.slice(i, i + CHUNK)
    statements.push({
      sql: `INSERT INTO audit_events (${COLUMNS.join(',')}) VALUES ${chunk.map(() => ROW).join(',')}`,
      args: chunk.flatMap((e) => [e.seq, e.ts, e.actor, e.action, e.outcome, e.patientRef ?? null, e.model ?? null, e.version ?? null,
        e.reason ?? null, e.requestId ?? null, e.ip ?? null, JSON.stringify(e.context), e.prevHash, e.hash]),
    })
  }
  return statements
}

const toEvent = (row: typeof auditEvents.$inferSelect): AuditEvent => ({ ...row, outcome: row.outcome as AuditEvent['outcome'], context: row.context as Record<string, unknown> })

function conditions(filter: AuditFilter): SQL[] {
  const c: SQL[] = []
  if (filter.from) c.push(gte(auditEvents.ts, filter.from))
  if (filter.to) c.push(lt(auditEvents.ts, filter.to))
  if (filter.actor) c.push(eq(auditEvents.actor, filter.actor))
  if (filter.patientRef) c.push(eq(auditEvents.patientRef, filter.patientRef))
  if (filter.action) c.push(eq(auditEvents.action, filter.action))
  if (filter.model) c.push(eq(auditEvents.model, filter.model))
  if (filter.outcome) c.push(eq(auditEvents.outcome, filter.outcome))
  if (filter.requestId) c.push(eq(auditEvents.requestId, filter.requestId))
  return c
}

/**
 * The hash-chained AuditSink on drizzle. A batch is sealed against the cached chain head and
 * inserted in one transaction; if another writer took those sequence numbers first, the
 * primary key rejects the batch and it is re-sealed against the new head (optimistic
 * serialisation on the chain head, safe across processes sharing one database file).
 */
export function sqlAuditSink(db: SqlDb, options: { sha256?: Sha256 } = {}): AuditSink {
  let head: ChainHead | undefined
  const inOrder = serial()

  async function readHead(): Promise<ChainHead> {
    const [last] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1)
    return last ?? EMPTY_HEAD
  }

  async function* scan(fromSeq: number, toSeq: number): AsyncIterable<AuditEvent> {
    let after = fromSeq - 1
    for (;;) {
      const rows = await db.select().from(auditEvents).where(and(gt(auditEvents.seq, after), lte(auditEvents.seq, toSeq))).orderBy(asc(auditEvents.seq)).limit(1000)
      for (const row of rows) yield toEvent(row)
      if (rows.length < 1000) return
      after = rows.at(-1)!.seq
    }
  }

  return {
    append: (inputs) => inOrder(async () => {
      if (inputs.length === 0) return []
      for (let attempt = 0; ; attempt++) {
        head ??= await readHead()
        const sealed = await sealEvents(head, inputs, options.sha256)
        try {
          await db.$client.batch(insertStatements(sealed), 'write')
        } catch (error) {
          head = undefined
          if (isConstraint(error) && attempt < MAX_RETRIES) continue
          throw error
        }
        const last = sealed.at(-1)!
        head = { seq: last.seq, hash: last.hash }
        return sealed.map(({ seq, hash }) => ({ seq, hash }))
      }
    }),
    async query(filter, page) {
      const rows = await db.select().from(auditEvents)
        .where(and(gt(auditEvents.seq, page.afterSeq ?? 0), ...conditions(filter)))
        .orderBy(asc(auditEvents.seq)).limit(page.limit + 1)
      const events = rows.slice(0, page.limit).map(toEvent)
      return { events, nextAfterSeq: rows.length > page.limit ? events.at(-1)!.seq : undefined }
    },
    async verify(range = {}) {
      const from = range.fromSeq ?? 1
      const [before] = from > 1 ? await db.select().from(auditEvents).where(eq(auditEvents.seq, from - 1)) : []
      const result = await verifyChain(scan(from, range.toSeq ?? Number.MAX_SAFE_INTEGER), before ? { seq: before.seq, hash: before.hash } : { ...EMPTY_HEAD, seq: from - 1 }, options.sha256)
      if (range.fromSeq !== undefined || range.toSeq !== undefined) return result
      const [checkpoint] = await db.select({ seq: auditCheckpoints.seq, hash: auditCheckpoints.hash, ts: auditCheckpoints.ts }).from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1)
      const [at] = checkpoint ? await db.select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.seq, checkpoint.seq)) : []
      return checkAgainstCheckpoint(result, checkpoint, at?.hash)
    },
    checkpoint: (ts) => inOrder(async () => {
      const current = await readHead()
      if (current.seq === 0) return undefined
      await db.insert(auditCheckpoints).values({ seq: current.seq, hash: current.hash, ts })
      return { seq: current.seq, hash: current.hash, ts }
    }),
  }
}
