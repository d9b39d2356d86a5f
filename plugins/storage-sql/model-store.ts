import { and, eq } from 'drizzle-orm'
import { NexoraError, type ModelManifest, type ModelStore, type Stage, type StoredVersion } from '../../core/index.ts'
import type { SqlDb } from './connection.ts'
import { modelAliases, modelFiles, modelVersions } from './schema.ts'

const toStored = (row: typeof modelVersions.$inferSelect): StoredVersion => ({
  name: row.name, version: row.version, manifest: row.manifest as ModelManifest, stage: row.stage as Stage, createdAt: row.createdAt,
})

const isConstraint = (e: unknown) => /constraint/i.test(String((e as { code?: string })?.code ?? '') + String((e as Error)?.message ?? '') + String((e as { cause?: Error })?.cause?.message ?? ''))

/** ModelStore on drizzle: a version and its files are written in one batch (one transaction). */
export function sqlModelStore(db: SqlDb): ModelStore {
  const where = (name: string, version: string) => and(eq(modelVersions.name, name), eq(modelVersions.version, version))
  return {
    async putVersion(manifest, files, createdAt) {
      try {
        await db.batch([
          db.insert(modelVersions).values({ name: manifest.name, version: manifest.version, kind: manifest.kind, manifest, createdAt }),
          ...Object.entries(files).map(([path, bytes]) => db.insert(modelFiles).values({ name: manifest.name, version: manifest.version, path, bytes: Buffer.from(bytes) })),
        ])
      } catch (error) {
        if (isConstraint(error)) throw new NexoraError('model.version_exists', { detail: `${manifest.name}@${manifest.version}` })
        throw error
      }
    },
    async getVersion(name, version) {
      const [row] = await db.select().from(modelVersions).where(where(name, version))
      return row && toStored(row)
    },
    async getFiles(name, version) {
      const rows = await db.select().from(modelFiles).where(and(eq(modelFiles.name, name), eq(modelFiles.version, version)))
      if (rows.length === 0 && !(await this.getVersion(name, version))) return undefined
      return Object.fromEntries(rows.map((r) => [r.path, new Uint8Array(r.bytes)]))
    },
    async listModels() {
      const rows = await db.selectDistinct({ name: modelVersions.name }).from(modelVersions).orderBy(modelVersions.name)
      return rows.map((r) => r.name)
    },
    async listVersions(name) {
      return (await db.select().from(modelVersions).where(eq(modelVersions.name, name))).map(toStored)
    },
    async setAlias(name, alias, version) {
      if (version === null) await db.delete(modelAliases).where(and(eq(modelAliases.name, name), eq(modelAliases.alias, alias)))
      else await db.insert(modelAliases).values({ name, alias, version }).onConflictDoUpdate({ target: [modelAliases.name, modelAliases.alias], set: { version } })
    },
    async getAliases(name) {
      const rows = await db.select().from(modelAliases).where(eq(modelAliases.name, name))
      return Object.fromEntries(rows.map((r) => [r.alias, r.version]))
    },
    async setStage(name, version, stage) {
      const updated = await db.update(modelVersions).set({ stage }).where(where(name, version)).returning({ name: modelVersions.name })
      if (updated.length === 0) throw new NexoraError('model.version_not_found', { detail: `${name}@${version}` })
    },
  }
}

export { isConstraint }
