import { sql } from 'drizzle-orm'
import { joinOutcomes, type FeatureValue, type LoggedPrediction, type PredictionLog } from '../../core/index.ts'
import { chunked, type SqlExecutor } from './executor.ts'

interface LogRow {
  id: string
  ts: string
  model: string
  version: string
  subject_key: string | null
  features_hash: string
  score: number
  label: string | null
  features: string | null
  shadow_of: string | null
  champion_score: number | null
}
interface OutcomeRow {
  model: string
  subject_key: string | null
  prediction_id: string | null
  value: number
  observed_at: string
  source: string
}

const COLUMNS = ['id', 'ts', 'model', 'version', 'subject_key', 'features_hash', 'score', 'label', 'features', 'shadow_of', 'champion_score'] as const
const OUTCOME_COLUMNS = ['model', 'subject_key', 'prediction_id', 'value', 'observed_at', 'source'] as const

const toLogged = (r: LogRow): LoggedPrediction => ({
  id: r.id,
  ts: r.ts,
  model: r.model,
  version: r.version,
  subjectKey: r.subject_key,
  featuresHash: r.features_hash,
  score: Number(r.score),
  label: r.label,
  features: r.features === null ? null : (JSON.parse(r.features) as Record<string, FeatureValue>),
  ...(r.shadow_of ? { shadowOf: r.shadow_of, championScore: r.champion_score === null ? null : Number(r.champion_score) } : {}),
})

/**
 * PredictionLog in SQL. Appends are multi-row INSERTs (the recorder batches them); a window reads
 * its predictions, then the model's outcomes that can reach them (observed from the window's start
 * to its end plus the horizon), and joins them with the same rule as the memory log.
 */
export function sqlPredictionLog(db: SqlExecutor): PredictionLog {
  return {
    async append(records) {
      if (records.length === 0) return
      await db.insertRows(
        'prediction_log',
        COLUMNS,
        records.map((r) => [
          r.id,
          r.ts,
          r.model,
          r.version,
          r.subjectKey,
          r.featuresHash,
          r.score,
          r.label,
          r.features === null ? null : JSON.stringify(r.features),
          r.shadowOf ?? null,
          r.championScore ?? null,
        ]),
      )
    },
    async addOutcomes(outcomes) {
      if (outcomes.length === 0) return
      await db.insertRows(
        'prediction_outcomes',
        OUTCOME_COLUMNS,
        outcomes.map((o) => [o.model, o.subjectKey, o.predictionId, o.value, o.observedAt, o.source]),
      )
    },
    async window(q, horizonMs) {
      const rows = await db.all<LogRow>(sql`SELECT ${sql.raw(COLUMNS.join(', '))} FROM prediction_log WHERE model = ${q.model}
        AND shadow_of IS ${q.shadow ? sql`NOT NULL` : sql`NULL`} ${q.version ? sql`AND version = ${q.version}` : sql``}
        ${q.from ? sql`AND ts >= ${q.from}` : sql``} ${q.to ? sql`AND ts < ${q.to}` : sql``}
        ORDER BY ts, id ${q.limit !== undefined ? sql`LIMIT ${q.limit}` : sql``}`)
      if (rows.length === 0) return []
      const first = rows[0]!.ts
      const until = new Date(Date.parse(rows[rows.length - 1]!.ts) + horizonMs).toISOString()
      // Outcomes posted against a window's prediction, selected by the window's time span rather than
      // by listing its ids: the parameter count stays constant (D1 allows 100). The span may add
      // predictions outside the window (another version); their outcomes match no row and are ignored.
      const outcomes = await db.all<OutcomeRow>(sql`SELECT ${sql.raw(OUTCOME_COLUMNS.join(', '))} FROM prediction_outcomes WHERE model = ${q.model}
        AND ((observed_at >= ${first} AND observed_at <= ${until})
          OR prediction_id IN (SELECT id FROM prediction_log WHERE model = ${q.model} AND ts >= ${first} AND ts <= ${rows[rows.length - 1]!.ts}))`)
      return joinOutcomes(
        rows.map(toLogged),
        outcomes.map((o) => ({
          model: o.model,
          subjectKey: o.subject_key,
          predictionId: o.prediction_id,
          value: Number(o.value),
          observedAt: o.observed_at,
          source: o.source,
        })),
        horizonMs,
      )
    },
    async knownSubjects(model, keys) {
      const known = new Set<string>()
      // In chunks that keep each statement under the database's parameter limit (D1: 100).
      for (const chunk of chunked(keys, 1, (db.maxParams ?? 30_000) - 1)) {
        const rows = await db.all<{ subject_key: string }>(
          sql`SELECT DISTINCT subject_key FROM prediction_log WHERE model = ${model} AND subject_key IN (${sql.join(
            chunk.map((k) => sql`${k}`),
            sql`, `,
          )})`,
        )
        for (const r of rows) known.add(r.subject_key)
      }
      return known
    },
  }
}
