import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@libsql/client'
import type { LibSQLDatabase } from 'drizzle-orm/libsql'
import { lazy } from '../../core/index.ts'
import * as schema from './schema.ts'

export type SqlDb = LibSQLDatabase<typeof schema> & { $client: Client }

export interface SqlConnection {
  db: SqlDb
  close(): void
}

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

/** Open (creating the folder for) a libSQL database and apply the committed migrations. */
export async function openLibsql(url: string, durability: Durability): Promise<SqlConnection> {
  const { createClient, drizzle, migrate } = await loadLibsql()
  if (url.startsWith('file:') && url !== 'file::memory:') {
    await mkdir(dirname(fileURLToPath(new URL(url, `file://${process.cwd()}/`))), { recursive: true })
  }
  // One connection: the synchronous pragma is per connection, and group commit serialises writes anyway.
  const client = createClient({ url, concurrency: 1 })
  if (url !== ':memory:' && url !== 'file::memory:') await client.execute('PRAGMA journal_mode = WAL')
  await client.execute(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
  await client.execute('PRAGMA busy_timeout = 5000')
  const db = drizzle(client, { schema })
  await migrate(db, { migrationsFolder: MIGRATIONS })
  return { db, close: () => client.close() }
}
