import {
  canonicalJson,
  serial,
  sha256Hex,
  type Logger,
  type LoggedPrediction,
  type MetricsRegistry,
  type PredictedEvent,
  type PredictionLog,
  type PredictionObserver,
  type Sha256,
  type ShadowEvent,
} from '../../../core/index.ts'
import type { Pseudonyms } from './pseudonym.ts'

export interface RecorderOptions {
  log: PredictionLog
  pseudonyms: Pseudonyms
  logger: Logger
  metrics: MetricsRegistry
  /** Keep feature values (needed for feature drift and fairness by attribute). Default true. */
  storeFeatures?: boolean
  /** Wait this long to gather a batch before writing. Default 25 ms. */
  flushMs?: number
  /** Rows kept waiting at most; beyond it new rows are dropped and counted. Default 50 000. */
  maxQueue?: number
  sha256?: Sha256
}

/**
 * The prediction log writer: a PredictionObserver that queues committed predictions and writes
 * them in batches a moment later, so /predict never waits on it. The patient reference is turned
 * into its HMAC here and goes no further. A failed write is logged (with a count, never a row)
 * and counted; monitoring is best effort, the audit trail is the record of access.
 */
export function predictionRecorder(o: RecorderOptions): PredictionObserver {
  const queue: (PredictedEvent | ShadowEvent)[] = []
  let queued = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const inOrder = serial()
  const maxQueue = o.maxQueue ?? 50_000
  const dropped = o.metrics.counter('nexora_prediction_log_dropped_total', 'Predictions not written to the monitoring log (queue full or write failed)')
  const written = o.metrics.counter('nexora_prediction_log_rows_total', 'Predictions written to the monitoring log')

  async function toRecords(events: (PredictedEvent | ShadowEvent)[]): Promise<LoggedPrediction[]> {
    const keys = await o.pseudonyms.keys(events.flatMap((e) => e.rows.map((r) => r.patientRef).filter((p): p is string => Boolean(p))))
    const out: LoggedPrediction[] = []
    for (const e of events) {
      for (let i = 0; i < e.predictions.length; i++) {
        const row = e.rows[i]!
        const p = e.predictions[i]!
        const served = 'served' in e ? e.served[i]! : undefined
        out.push({
          // A shadow row is the served row's id plus its version: outcomes posted for the served row reach both.
          id: served ? `${e.requestId}#${i}~${e.version}` : `${e.requestId}#${i}`,
          ts: e.ts,
          model: e.model,
          version: e.version,
          subjectKey: row.patientRef ? keys.get(row.patientRef)! : null,
          featuresHash: await sha256Hex(canonicalJson(row.features), o.sha256),
          score: p.score,
          label: p.label ?? null,
          features: o.storeFeatures === false ? null : row.features,
          ...(served ? { shadowOf: served.version, championScore: served.score } : {}),
        })
      }
    }
    return out
  }

  const flush = () =>
    inOrder(async () => {
      timer = undefined
      const events = queue.splice(0)
      const rows = queued
      queued = 0
      if (events.length === 0) return
      let records: LoggedPrediction[]
      try {
        records = await toRecords(events)
      } catch {
        dropped.inc({ reason: 'write_failed' }, rows)
        o.logger.error('prediction_log.write_failed', { count: rows })
        return
      }
      const failed = await appendIsolating(records)
      written.inc({}, records.length - failed)
      if (failed > 0) {
        dropped.inc({ reason: 'write_failed' }, failed)
        o.logger.error('prediction_log.write_failed', { count: failed })
      }
    })

  /**
   * Append a batch; if the store refuses it, halve it and try again, so one bad row (a duplicate
   * id, a value the database will not take) costs only itself and never the other requests' rows.
   * An outage is not a bad row: `storage.unavailable` fails the batch at once, and a budget of
   * attempts bounds the halving whatever the store throws. Returns the rows not written.
   */
  async function appendIsolating(records: LoggedPrediction[]): Promise<number> {
    let budget = 4 * Math.ceil(Math.log2(records.length + 1)) + 8
    let outage = false
    const attempt = async (part: LoggedPrediction[]): Promise<number> => {
      if (part.length === 0) return 0
      if (outage || budget-- <= 0) return part.length
      try {
        await o.log.append(part)
        return 0
      } catch (error) {
        if ((error as { code?: string }).code === 'storage.unavailable') outage = true
        if (outage || part.length === 1) return part.length
        const middle = Math.ceil(part.length / 2)
        return (await attempt(part.slice(0, middle))) + (await attempt(part.slice(middle)))
      }
    }
    return attempt(records)
  }

  const enqueue = (event: PredictedEvent | ShadowEvent) => {
    if (queued + event.predictions.length > maxQueue) {
      dropped.inc({ reason: 'queue_full' }, event.predictions.length)
      return
    }
    queue.push(event)
    queued += event.predictions.length
    timer ??= setTimeout(() => {
      flush().catch(() => {})
    }, o.flushMs ?? 25)
  }

  return {
    name: 'prediction-log',
    observe: enqueue,
    observeShadow: enqueue,
    async flush() {
      if (timer !== undefined) clearTimeout(timer)
      await flush()
    },
  }
}
