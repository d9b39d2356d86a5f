import type { JoinedPrediction, LoggedPrediction, OutcomeRecord, PredictionLog, PredictionWindow } from '../ports/monitoring.ts'

const inWindow = (ts: string, q: PredictionWindow) => (!q.from || ts >= q.from) && (!q.to || ts < q.to)

/**
 * The join rule of the PredictionLog port, shared by every implementation: an outcome naming a
 * prediction id labels that prediction; otherwise outcomes of the same model and subject observed
 * in `[ts, ts + horizonMs]` label it. Several matches: the largest value wins (for 0/1 outcomes,
 * an event anywhere in the horizon makes the label 1).
 */
export function joinOutcomes(predictions: LoggedPrediction[], outcomes: OutcomeRecord[], horizonMs: number): JoinedPrediction[] {
  const byId = new Map<string, number>()
  const bySubject = new Map<string, OutcomeRecord[]>()
  for (const o of outcomes) {
    if (o.predictionId) byId.set(o.predictionId, Math.max(o.value, byId.get(o.predictionId) ?? Number.NEGATIVE_INFINITY))
    else if (o.subjectKey) bySubject.set(`${o.model}\0${o.subjectKey}`, [...(bySubject.get(`${o.model}\0${o.subjectKey}`) ?? []), o])
  }
  return predictions.map((p) => {
    // A shadow row answers to its champion row's id (`<id>~<version>`).
    const direct = byId.get(p.shadowOf ? p.id.slice(0, p.id.lastIndexOf('~')) : p.id)
    if (direct !== undefined) return { ...p, outcome: direct }
    const start = Date.parse(p.ts)
    let outcome: number | null = null
    for (const o of p.subjectKey ? (bySubject.get(`${p.model}\0${p.subjectKey}`) ?? []) : []) {
      const at = Date.parse(o.observedAt)
      if (at >= start && at <= start + horizonMs) outcome = Math.max(o.value, outcome ?? Number.NEGATIVE_INFINITY)
    }
    return { ...p, outcome }
  })
}

/** Oldest first, at most `limit` (the oldest are kept: a window is read from its start). */
export function selectWindow(records: LoggedPrediction[], q: PredictionWindow): LoggedPrediction[] {
  const rows = records
    .filter((r) => r.model === q.model && (!q.version || r.version === q.version) && Boolean(r.shadowOf) === Boolean(q.shadow) && inWindow(r.ts, q))
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0))
  return q.limit === undefined ? rows : rows.slice(0, q.limit)
}

/** In-memory PredictionLog for unit tests and the browser. */
export function memoryPredictionLog(): PredictionLog & { records: LoggedPrediction[]; outcomes: OutcomeRecord[] } {
  const records: LoggedPrediction[] = []
  const outcomes: OutcomeRecord[] = []
  return {
    records,
    outcomes,
    async append(batch) {
      records.push(...batch)
    },
    async addOutcomes(batch) {
      outcomes.push(...batch)
    },
    async window(q, horizonMs) {
      return joinOutcomes(
        selectWindow(records, q),
        outcomes.filter((o) => o.model === q.model),
        horizonMs,
      )
    },
    async knownSubjects(model, keys) {
      const wanted = new Set(keys)
      return new Set(records.filter((r) => r.model === model && r.subjectKey && wanted.has(r.subjectKey)).map((r) => r.subjectKey!))
    },
  }
}
