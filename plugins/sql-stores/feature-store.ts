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
  return {
    async get(entityKey, names, asOf = Number.MAX_SAFE_INTEGER) {
      const out: Record<string, FeatureValue> = {}
      const at = Math.min(asOf, Number.MAX_SAFE_INTEGER)
      for (const part of chunked([...new Set(names)], 1, Math.min(db.maxParams ?? NAMES_PER_READ, NAMES_PER_READ) - 3)) {
        const rows = await db.all<{ name: string; value: string }>(sql`
          SELECT f.name, f.value FROM feature_values f
          WHERE f.entity_key = ${entityKey} AND f.name IN (${sql.join(
            part.map((n) => sql`${n}`),
            sql`, `,
          )})
            AND f.ts = (SELECT max(g.ts) FROM feature_values g WHERE g.entity_key = f.entity_key AND g.name = f.name AND g.ts <= ${at})`)
        for (const r of rows) out[r.name] = JSON.parse(r.value) as FeatureValue
      }
      return out
    },
    async put(entityKey, values, ts) {
      const rows = Object.entries(values)
      if (rows.length === 0) return
      // Four parameters a row; D1 allows 100 a statement.
      await db.batch(
        chunked(rows, 4, db.maxParams).map(
          (chunk) =>
            sql`INSERT INTO feature_values (entity_key, name, ts, value) VALUES ${sql.join(
              chunk.map(([name, value]) => sql`(${entityKey}, ${name}, ${ts}, ${JSON.stringify(value)})`),
              sql`, `,
            )} ON CONFLICT (entity_key, name, ts) DO UPDATE SET value = excluded.value`,
        ),
      )
    },
  }
}
