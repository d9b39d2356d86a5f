import type { CheckpointWitness } from '../../core/index.ts'

/**
 * Signed checkpoints in another database (libSQL or PostgreSQL, by URL): a table of their own,
 * created on first use. Worth it when that database has other owners than the audit database.
 * @example
 * sqlWitness('postgres://witness@records.example:5432/witness')
 */
export function sqlWitness(url: string): CheckpointWitness {
  let ready: ReturnType<typeof open> | undefined
  async function open() {
    // Lazily: a file or URL witness must not load a database driver (or drizzle-orm, an optional peer).
    const { openSql } = await import('../storage-sql/index.ts')
    const db = await openSql(url)
    const { sql } = await import('drizzle-orm')
    await db.run(
      sql`CREATE TABLE IF NOT EXISTS nexora_audit_witness (jws TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL, ts TEXT NOT NULL, kid TEXT NOT NULL)`,
    )
    return { db, sql }
  }
  const db = () => {
    ready ??= open().catch((error: unknown) => {
      ready = undefined
      throw error
    })
    return ready
  }
  return {
    name: `sql:${new URL(url.replace(/^file:/, 'file:///')).protocol.replace(':', '')}`,
    async publish(c) {
      const { db: open, sql } = await db()
      await open.run(
        sql`INSERT INTO nexora_audit_witness (jws, seq, hash, ts, kid) VALUES (${c.jws}, ${c.seq}, ${c.hash}, ${c.ts}, ${c.kid}) ON CONFLICT (jws) DO NOTHING`,
      )
    },
    async list() {
      const { db: open, sql } = await db()
      const rows = await open.all<{ jws: string }>(sql`SELECT jws FROM nexora_audit_witness ORDER BY seq`)
      return rows.map((r) => r.jws)
    },
    async close() {
      const opened = ready
      ready = undefined
      if (opened) await (await opened).db.close()
    },
  }
}
