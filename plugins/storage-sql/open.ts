/**
 * Everything of this plugin that runs on drizzle-orm, loaded by index.ts on first use, so the
 * entry itself imports without drizzle-orm or a driver installed (both are optional peers).
 */
import type { SqlExecutor } from '../sql-stores/index.ts'
import { openLibsql, type Durability } from './libsql.ts'

export {
  sqlAdverseEventStore,
  sqlAuditSink,
  sqlFeatureStore,
  sqlHealth,
  sqlModelStore,
  sqlPopulationStore,
  sqlPredictionLog,
  sqlRateLimitStore,
} from '../sql-stores/index.ts'
export { openLibsql }

/** Open the database a URL names: PostgreSQL for postgres:// and postgresql://, libSQL otherwise. */
export async function openSql(url: string, durability: Durability = 'full'): Promise<SqlExecutor> {
  if (isPostgresUrl(url)) {
    const { openPostgres } = await import('./postgres.ts')
    return openPostgres(url)
  }
  return openLibsql(url, durability)
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url)
