import { sql } from 'drizzle-orm'
import type { PortHealth } from '../../core/index.ts'
import type { SqlExecutor } from './executor.ts'

/** A port's `/health` check on a SQL executor: one trivial query, a coded answer, never the error text. */
export const sqlHealth = (db: SqlExecutor) => async (): Promise<PortHealth> => {
  try {
    await db.all(sql`SELECT 1 AS ok`)
    return { ok: true }
  } catch {
    return { ok: false, detail: 'database unreachable' }
  }
}
