import { sql } from 'drizzle-orm'
import { EMPTY_LIFECYCLE, NexoraError, type LifecycleState, type ModelManifest, type ModelStore, type Stage, type StoredVersion } from '../../core/index.ts'
import type { SqlExecutor } from './executor.ts'

interface VersionRow {
  name: string
  version: string
  manifest: string
  stage: string
  created_at: string
}

const toStored = (row: VersionRow): StoredVersion => ({
  name: row.name,
  version: row.version,
  manifest: JSON.parse(row.manifest) as ModelManifest,
  stage: row.stage as Stage,
  createdAt: row.created_at,
})

/** A unique or primary-key violation, in either dialect's words. */
export const isConstraint = (e: unknown) => {
  const text = [e, (e as { cause?: unknown })?.cause].map((x) => `${(x as { code?: string })?.code ?? ''} ${(x as Error)?.message ?? ''}`).join(' ')
  return /constraint|23505|duplicate key/i.test(text)
}

/** ModelStore in SQL: a version and its files are written in one transaction. */
export function sqlModelStore(db: SqlExecutor): ModelStore {
  const getVersion = async (name: string, version: string) => {
    const [row] = await db.all<VersionRow>(
      sql`SELECT name, version, manifest, stage, created_at FROM model_versions WHERE name = ${name} AND version = ${version}`,
    )
    return row && toStored(row)
  }
  return {
    async putVersion(manifest, files, createdAt) {
      try {
        await db.batch([
          sql`INSERT INTO model_versions (name, version, kind, manifest, stage, created_at)
            VALUES (${manifest.name}, ${manifest.version}, ${manifest.kind}, ${JSON.stringify(manifest)}, 'none', ${createdAt})`,
          ...Object.entries(files).map(
            ([path, bytes]) => sql`INSERT INTO model_files (name, version, path, bytes) VALUES (${manifest.name}, ${manifest.version}, ${path}, ${bytes})`,
          ),
        ])
      } catch (error) {
        if (isConstraint(error)) throw new NexoraError('model.version_exists', { detail: `${manifest.name}@${manifest.version}` })
        throw error
      }
    },
    getVersion,
    async getFiles(name, version) {
      const rows = await db.all<{ path: string; bytes: Uint8Array }>(sql`SELECT path, bytes FROM model_files WHERE name = ${name} AND version = ${version}`)
      if (rows.length === 0 && !(await getVersion(name, version))) return undefined
      return Object.fromEntries(rows.map((r) => [r.path, new Uint8Array(r.bytes)]))
    },
    async listModels() {
      return (await db.all<{ name: string }>(sql`SELECT DISTINCT name FROM model_versions ORDER BY name`)).map((r) => r.name)
    },
    async listVersions(name) {
      return (await db.all<VersionRow>(sql`SELECT name, version, manifest, stage, created_at FROM model_versions WHERE name = ${name}`)).map(toStored)
    },
    async setAlias(name, alias, version) {
      if (version === null) await db.run(sql`DELETE FROM model_aliases WHERE name = ${name} AND alias = ${alias}`)
      else
        await db.run(
          sql`INSERT INTO model_aliases (name, alias, version) VALUES (${name}, ${alias}, ${version})
            ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
        )
    },
    async getAliases(name) {
      const rows = await db.all<{ alias: string; version: string }>(sql`SELECT alias, version FROM model_aliases WHERE name = ${name}`)
      return Object.fromEntries(rows.map((r) => [r.alias, r.version]))
    },
    async setStage(name, version, stage) {
      const updated = await db.run(sql`UPDATE model_versions SET stage = ${stage} WHERE name = ${name} AND version = ${version}`)
      if (updated === 0) throw new NexoraError('model.version_not_found', { detail: `${name}@${version}` })
    },
    async getLifecycle(name) {
      const [row] = await db.all<{ state: string; revision: number }>(sql`SELECT state, revision FROM model_lifecycle WHERE name = ${name}`)
      return row ? { state: JSON.parse(row.state) as LifecycleState, revision: Number(row.revision) } : { state: structuredClone(EMPTY_LIFECYCLE), revision: 0 }
    },
    async putLifecycle(name, state, revision, updatedAt) {
      const json = JSON.stringify(state)
      // Compare-and-set: the first write inserts (a racing first write hits the primary key), later
      // ones update only the revision they read.
      if (revision === 0) {
        try {
          await db.run(sql`INSERT INTO model_lifecycle (name, state, revision, updated_at) VALUES (${name}, ${json}, 1, ${updatedAt})`)
          return true
        } catch (error) {
          if (isConstraint(error)) return false
          throw error
        }
      }
      const updated = await db.run(
        sql`UPDATE model_lifecycle SET state = ${json}, revision = ${revision + 1}, updated_at = ${updatedAt} WHERE name = ${name} AND revision = ${revision}`,
      )
      return updated === 1
    },
  }
}
