import type { D1Database } from './d1-types.ts'
import { SQLITE_MIGRATIONS } from './_sqlite-migrations.ts'

/** One committed migration file: its name and its statements (split at drizzle-kit's breakpoints). */
export interface D1Migration {
  name: string
  statements: readonly string[]
}

/**
 * The table and columns `wrangler d1 migrations apply` keeps, so either tool sees what the other
 * applied: a database migrated by wrangler at deploy time is a no-op here, and the reverse.
 */
const CREATE_TABLE =
  'CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)'

/**
 * Apply the committed SQLite migrations that `d1_migrations` does not list, each in one batch
 * together with its record, so a migration lands whole or not at all (D1 has no BEGIN, and
 * `exec` would split drizzle-kit's multi-line statements at every newline).
 * Safe from several isolates at once: the loser's batch fails and rolls back, and it then finds
 * the migration recorded.
 * @returns the names applied by this call
 * @example
 * await applyD1Migrations(env.DB)
 */
export async function applyD1Migrations(binding: D1Database, migrations: readonly D1Migration[] = SQLITE_MIGRATIONS): Promise<string[]> {
  await binding.prepare(CREATE_TABLE).run()
  const recorded = async () => new Set((await binding.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name))
  let done = await recorded()
  const applied: string[] = []
  for (const migration of migrations) {
    if (done.has(migration.name)) continue
    try {
      await binding.batch([
        ...migration.statements.map((s) => binding.prepare(s)),
        binding.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(migration.name),
      ])
      applied.push(migration.name)
    } catch (error) {
      done = await recorded()
      if (!done.has(migration.name)) throw error
    }
  }
  return applied
}
