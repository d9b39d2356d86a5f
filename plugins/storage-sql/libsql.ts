import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@libsql/client'
import type { SQL } from 'drizzle-orm'
import type { LibSQLDatabase } from 'drizzle-orm/libsql'
import { lazy } from '../../core/index.ts'
import { chunked, type SqlExecutor } from './executor.ts'
import { guardExecutor } from './unavailable.ts'

export type LibsqlDb = LibSQLDatabase & { $client: Client }

/**
 * `full` fsyncs every commit (survives power loss); `normal` relies on the WAL and survives
 * a process crash but may lose the last commits on power loss. Group commit makes `full` cheap.
 */
export type Durability = 'full' | 'normal'

const loadLibsql = lazy(async () => {
  const [{ createClient }, { drizzle }, { migrate }] = await Promise.all([
    import('@libsql/client'), import('drizzle-orm/libsql'), import('drizzle-orm/libsql/migrator'),
  ])
  return { createClient, drizzle, migrate }
})

const MIGRATIONS = fileURLToPath(new URL('./migrations/sqlite', import.meta.url))

/** Open (creating the folder for) a libSQL database, apply the committed migrations, and wrap it (outages answer `storage.unavailable`). */
export async function openLibsql(url: string, durability: Durability): Promise<SqlExecutor & { db: LibsqlDb }> {
  const { createClient, drizzle, migrate } = await loadLibsql()
  if (url.startsWith('file:') && url !== 'file::memory:') {
    await mkdir(dirname(fileURLToPath(new URL(url, `file://${process.cwd()}/`))), { recursive: true })
  }
  // One connection: the synchronous pragma is per connection, and group commit serialises writes anyway.
  const client = createClient({ url, concurrency: 1 })
  // Wait for a lock instead of failing at once: another process may be switching the file to WAL
  // or migrating it at the same moment.
  await client.execute('PRAGMA busy_timeout = 5000')
  if (url !== ':memory:' && url !== 'file::memory:') await client.execute('PRAGMA journal_mode = WAL')
  await client.execute(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
  const db = drizzle(client) as LibsqlDb
  // Two processes can both read "nothing applied" and race to create the tables; the loser
  // retries and then finds the migrations recorded.
  for (let attempt = 0; ; attempt++) {
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS })
      break
    } catch (error) {
      if (attempt >= 5) throw error
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)))
    }
  }
  return guardExecutor({
    dialect: 'sqlite',
    db,
    all: <T>(query: SQL) => db.all<T>(query),
    run: async (query) => (await db.run(query)).rowsAffected,
    batch: async (queries) => { if (queries.length) await db.batch(queries.map((q) => db.run(q)) as [ReturnType<typeof db.run>]) },
    async insertRows(table, columns, rows) {
      const row = `(${columns.map(() => '?').join(',')})`
      await client.batch(chunked(rows, columns.length).map((chunk) => ({
        sql: `INSERT INTO ${table} (${columns.join(',')}) VALUES ${chunk.map(() => row).join(',')}`,
        args: chunk.flat() as never,
      })), 'write')
    },
    close: async () => client.close(),
  })
}
