import { sql, type SQL } from 'drizzle-orm'
import type { AdverseEvent, AdverseEventStore, AdverseSeverity, AdverseStatus } from '../../core/index.ts'
import type { SqlExecutor } from './executor.ts'

interface EventRow {
  id: string
  type: string
  severity: string
  description: string
  status: string
  occurred_at: string
  prediction_id: string | null
  model: string | null
  version: string | null
  patient_ref: string | null
  reporter: string
  created_at: string
  updated_at: string
}

const COLUMNS = 'id, type, severity, description, status, occurred_at, prediction_id, model, version, patient_ref, reporter, created_at, updated_at'

const toEvent = (r: EventRow): AdverseEvent => ({
  id: r.id,
  type: r.type,
  severity: r.severity as AdverseSeverity,
  description: r.description,
  status: r.status as AdverseStatus,
  occurredAt: r.occurred_at,
  predictionId: r.prediction_id,
  model: r.model,
  version: r.version,
  patientRef: r.patient_ref,
  reporter: r.reporter,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** AdverseEventStore in SQL (libSQL or PostgreSQL). An update is one statement, so concurrent patches never interleave fields. */
export function sqlAdverseEventStore(db: SqlExecutor): AdverseEventStore {
  const get = async (id: string) => {
    const [row] = await db.all<EventRow>(sql`SELECT ${sql.raw(COLUMNS)} FROM adverse_events WHERE id = ${id}`)
    return row && toEvent(row)
  }
  return {
    async create(e) {
      await db.run(sql`INSERT INTO adverse_events (${sql.raw(COLUMNS)}) VALUES (${e.id}, ${e.type}, ${e.severity},
        ${e.description}, ${e.status}, ${e.occurredAt},
        ${e.predictionId}, ${e.model}, ${e.version}, ${e.patientRef}, ${e.reporter}, ${e.createdAt}, ${e.updatedAt})`)
    },
    get,
    async list(f, { limit, offset }) {
      const where: SQL[] = [sql`1 = 1`]
      if (f.model) where.push(sql`model = ${f.model}`)
      if (f.severity) where.push(sql`severity = ${f.severity}`)
      if (f.status) where.push(sql`status = ${f.status}`)
      if (f.patientRef) where.push(sql`patient_ref = ${f.patientRef}`)
      if (f.from) where.push(sql`occurred_at >= ${f.from}`)
      if (f.to) where.push(sql`occurred_at < ${f.to}`)
      const rows = await db.all<EventRow>(sql`SELECT ${sql.raw(COLUMNS)} FROM adverse_events WHERE ${sql.join(where, sql` AND `)}
        ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`)
      return rows.map(toEvent)
    },
    async update(id, patch, updatedAt) {
      const sets: SQL[] = [sql`updated_at = ${updatedAt}`]
      for (const [field, column] of [
        ['status', 'status'],
        ['severity', 'severity'],
        ['description', 'description'],
        ['type', 'type'],
      ] as const) {
        if (patch[field] !== undefined) sets.push(sql`${sql.raw(column)} = ${patch[field]}`)
      }
      const changed = await db.run(sql`UPDATE adverse_events SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`)
      return changed === 0 ? undefined : get(id)
    },
  }
}
