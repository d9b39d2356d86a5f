import { sql, type SQL } from 'drizzle-orm'
import type { FhirResource, PopulationJob, PopulationStore, RiskScore } from '../../core/index.ts'
import { chunked, type SqlExecutor } from './executor.ts'

interface JobRow {
  id: string
  model: string
  version: string
  source: string
  index_time: string
  state: string
  total: number | string
  shards: number | string
  shard_size: number | string
  write_back: number | string | boolean
  created_by: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
}

const toJob = (r: JobRow): PopulationJob => ({
  id: r.id,
  model: r.model,
  version: r.version,
  source: JSON.parse(r.source) as PopulationJob['source'],
  indexTime: r.index_time,
  state: r.state as PopulationJob['state'],
  total: Number(r.total),
  shards: Number(r.shards),
  shardSize: Number(r.shard_size),
  writeBack: Number(r.write_back) === 1 || r.write_back === true,
  createdBy: r.created_by,
  createdAt: r.created_at,
  ...(r.started_at ? { startedAt: r.started_at } : {}),
  ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  ...(r.error ? { error: r.error } : {}),
})

const COLUMNS: Record<keyof Omit<PopulationJob, 'id'>, string> = {
  model: 'model',
  version: 'version',
  source: 'source',
  indexTime: 'index_time',
  state: 'state',
  total: 'total',
  shards: 'shards',
  shardSize: 'shard_size',
  writeBack: 'write_back',
  createdBy: 'created_by',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  error: 'error',
}
const value = (k: string, v: unknown) => (k === 'source' ? JSON.stringify(v) : k === 'writeBack' ? (v ? 1 : 0) : (v ?? null))

interface ScoreRow {
  job: string
  patient: string
  model: string
  version: string
  status: string
  score: number | null
  label: string | null
  reason: string | null
  scored_at: string
}
const toScore = (r: ScoreRow): RiskScore => ({
  job: r.job,
  patient: r.patient,
  model: r.model,
  version: r.version,
  status: r.status as RiskScore['status'],
  score: r.score === null ? null : Number(r.score),
  label: r.label,
  reason: r.reason,
  scoredAt: r.scored_at,
})

const STAGING_COLUMNS = ['job', 'patient', 'type', 'id', 'resource']
const SCORE_COLUMNS = ['job', 'patient', 'model', 'version', 'status', 'score', 'label', 'reason', 'scored_at']

/** INSERT … ON CONFLICT (the first `keys` columns) DO UPDATE the rest: the live feed's replacing writes. */
function upserts(table: string, columns: string[], keys: number, rows: unknown[][], maxParams?: number): SQL[] {
  const conflict = sql.raw(
    `ON CONFLICT (${columns.slice(0, keys).join(', ')}) DO UPDATE SET ${columns
      .slice(keys)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`,
  )
  return chunked(rows, columns.length, maxParams).map(
    (chunk) =>
      sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns.join(', '))}) VALUES ${sql.join(
        chunk.map(
          (row) =>
            sql`(${sql.join(
              row.map((v) => sql`${v}`),
              sql`, `,
            )})`,
        ),
        sql`, `,
      )} ${conflict}`,
  )
}

/**
 * PopulationStore in SQL (libSQL, PostgreSQL, D1). Staging rows are keyed (job, patient, type,
 * id), so a shard reads a contiguous range of the key; results are keyed (job, patient, model,
 * version); both are inserted with ON CONFLICT DO NOTHING, so a retried plan or shard adds nothing.
 */
export function sqlPopulationStore(db: SqlExecutor): PopulationStore {
  return {
    async createJob(job) {
      const keys = ['id', ...Object.keys(COLUMNS)] as (keyof PopulationJob)[]
      const names = keys.map((k) => (k === 'id' ? 'id' : COLUMNS[k as keyof typeof COLUMNS]))
      await db.run(
        sql`INSERT INTO population_jobs (${sql.raw(names.join(', '))}) VALUES (${sql.join(
          keys.map((k) => sql`${value(k, job[k])}`),
          sql`, `,
        )})`,
      )
    },
    async getJob(id) {
      const [row] = await db.all<JobRow>(sql`SELECT * FROM population_jobs WHERE id = ${id}`)
      return row && toJob(row)
    },
    async updateJob(id, patch) {
      const sets: SQL[] = Object.entries(patch).map(([k, v]) => sql`${sql.raw(COLUMNS[k as keyof typeof COLUMNS])} = ${value(k, v)}`)
      if (sets.length > 0) await db.run(sql`UPDATE population_jobs SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`)
    },
    async listJobs(limit = 50) {
      return (await db.all<JobRow>(sql`SELECT * FROM population_jobs ORDER BY created_at DESC LIMIT ${limit}`)).map(toJob)
    },
    async stage(job, resources, options = {}) {
      // Positional multi-row INSERTs (no SQL object per value): staging is the export's hot path.
      const rows = resources.map((r) => [job, r.patient, r.type, r.id, JSON.stringify(r.resource)])
      if (rows.length === 0) return
      if (!options.replace) return db.insertRows('population_staging', STAGING_COLUMNS, rows, true)
      await db.batch(upserts('population_staging', STAGING_COLUMNS, 4, rows, db.maxParams))
    },
    async stagedPatients(job, after, limit) {
      const rows = await db.all<{ patient: string }>(
        sql`SELECT DISTINCT patient FROM population_staging WHERE job = ${job} AND patient > ${after ?? ''} ORDER BY patient LIMIT ${limit}`,
      )
      return rows.map((r) => r.patient)
    },
    async staged(job, from, to) {
      const rows = await db.all<{ patient: string; type: string; id: string; resource: string }>(
        sql`SELECT patient, type, id, resource FROM population_staging WHERE job = ${job} AND patient >= ${from} AND patient <= ${to} ORDER BY patient`,
      )
      return rows.map((r) => ({ patient: r.patient, type: r.type, id: r.id, resource: JSON.parse(r.resource) as FhirResource }))
    },
    async clearStaging(job) {
      await db.run(sql`DELETE FROM population_staging WHERE job = ${job}`)
    },
    async putScores(scores, options = {}) {
      const rows = scores.map((s) => [s.job, s.patient, s.model, s.version, s.status, s.score, s.label, s.reason, s.scoredAt])
      if (rows.length === 0) return
      if (!options.replace) return db.insertRows('risk_scores', SCORE_COLUMNS, rows, true)
      await db.batch(upserts('risk_scores', SCORE_COLUMNS, 4, rows, db.maxParams))
    },
    async progress(job) {
      const rows = await db.all<{ status: string; n: number | string }>(sql`SELECT status, count(*) AS n FROM risk_scores WHERE job = ${job} GROUP BY status`)
      const n = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0)
      return { scored: n('scored'), skipped: n('skipped'), failed: n('failed') }
    },
    async reasons(job) {
      const rows = await db.all<{ status: string; reason: string; n: number | string }>(
        sql`SELECT status, reason, count(*) AS n FROM risk_scores WHERE job = ${job} AND reason IS NOT NULL GROUP BY status, reason ORDER BY n DESC`,
      )
      return rows.map((r) => ({ status: r.status as RiskScore['status'], reason: r.reason, count: Number(r.n) }))
    },
    async resultsIn(job, from, to) {
      const rows = await db.all<{ patient: string }>(sql`SELECT patient FROM risk_scores WHERE job = ${job} AND patient >= ${from} AND patient <= ${to}`)
      return rows.map((r) => r.patient)
    },
    async scores(job, query = {}) {
      const where: SQL[] = [sql`job = ${job}`]
      if (query.minScore !== undefined) where.push(sql`score >= ${query.minScore}`)
      if (query.label !== undefined) where.push(sql`label = ${query.label}`)
      if (query.status !== undefined) where.push(sql`status = ${query.status}`)
      const rows = await db.all<ScoreRow>(
        sql`SELECT * FROM risk_scores WHERE ${sql.join(where, sql` AND `)}
            ORDER BY CASE WHEN score IS NULL THEN 1 ELSE 0 END, score DESC, patient LIMIT ${query.limit ?? 100} OFFSET ${query.offset ?? 0}`,
      )
      return rows.map(toScore)
    },
  }
}
