import { sql } from 'drizzle-orm'
import type { FeatureStore, FeatureValue } from '../../core/index.ts'
import { chunked, type SqlExecutor } from './executor.ts'

const NAMES_PER_READ = 500

/**
 * FeatureStore in SQL: every write is a row (entity, name, ts, value as JSON), so a read is
 * point-in-time: per name, the value with the greatest `ts` at or before `asOf`. A second write
 * at the same `ts` replaces the first, as in the memory store.
 */
export function sqlFeatureStore(db: SqlExecutor): FeatureStore {
  const getTimed = async (entityKey: string, names: string[], asOf = Number.MAX_SAFE_INTEGER) => {
    const out: Record<string, { value: FeatureValue; ts: number }> = {}
    const at = Math.min(asOf, Number.MAX_SAFE_INTEGER)
    for (const part of chunked([...new Set(names)], 1, Math.min(db.maxParams ?? NAMES_PER_READ, NAMES_PER_READ) - 3)) {
      const rows = await db.all<{ name: string; value: string; ts: number | string }>(sql`
          SELECT f.name, f.value, f.ts FROM feature_values f
          WHERE f.entity_key = ${entityKey} AND f.name IN (${sql.join(
            part.map((n) => sql`${n}`),
            sql`, `,
          )})
            AND f.ts = (SELECT max(g.ts) FROM feature_values g WHERE g.entity_key = f.entity_key AND g.name = f.name AND g.ts <= ${at})`)
      for (const r of rows) out[r.name] = { value: JSON.parse(r.value) as FeatureValue, ts: Number(r.ts) }
    }
    return out
  }
  const putMany: NonNullable<FeatureStore['putMany']> = async (writes) => {
    const rows = writes.flatMap((w) => Object.entries(w.values).map(([name, value]) => [w.entityKey, name, w.ts, JSON.stringify(value)] as const))
    if (rows.length === 0) return
    // Four parameters a row; D1 allows 100 a statement. One batch: one commit for every entity.
    await db.batch(
      chunked(rows, 4, db.maxParams).map(
        (chunk) =>
          sql`INSERT INTO feature_values (entity_key, name, ts, value) VALUES ${sql.join(
            chunk.map(([entity, name, ts, value]) => sql`(${entity}, ${name}, ${ts}, ${value})`),
            sql`, `,
          )} ON CONFLICT (entity_key, name, ts) DO UPDATE SET value = excluded.value`,
      ),
    )
  }
  return {
    async get(entityKey, names, asOf) {
      return Object.fromEntries(Object.entries(await getTimed(entityKey, names, asOf)).map(([name, w]) => [name, w.value]))
    },
    getTimed,
    put: (entityKey, values, ts) => putMany([{ entityKey, values, ts }]),
    putMany,
  }
}
