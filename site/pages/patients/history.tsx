import { useState } from 'react'
import { hasScope, type Session } from '../../session.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { predictionHistory } from './api.ts'
import { dateTime } from './format.ts'

const SHOWN = 20

/** Past predictions for the patient, newest first, from the audit trail (needs nexora/audit.read). */
export function PredictionHistory({ patientId, session, refresh }: { patientId: string; session: Session; refresh: number }) {
  const allowed = hasScope(session, 'nexora/audit.read')
  return (
    <section aria-labelledby="history-heading" className="history">
      <h2 id="history-heading">Prediction history</h2>
      {allowed ? (
        <HistoryTable patientId={patientId} refresh={refresh} />
      ) : (
        <Empty>
          Past predictions come from the audit trail, which needs the <code>nexora/audit.read</code> permission. Ask an administrator if you need to see them.
        </Empty>
      )}
    </section>
  )
}

function HistoryTable({ patientId, refresh }: { patientId: string; refresh: number }) {
  const history = useApi(() => predictionHistory(patientId), [patientId, refresh])
  const [all, setAll] = useState(false)
  if (history.loading && !history.data) return <Loading label="Loading prediction history…" />
  if (history.error) return <ErrorState error={history.error} />
  const events = [...(history.data?.events ?? [])].reverse()
  if (events.length === 0) return <Empty>No predictions are recorded for this patient yet.</Empty>
  const shown = all ? events : events.slice(0, SHOWN)
  return (
    <>
      <div className="table-wrap" role="region" aria-label="Prediction history" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Model</th>
              <th scope="col">Outcome</th>
              <th scope="col">By</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.seq}>
                <td>{dateTime(e.ts)}</td>
                <td>
                  <code>
                    {e.model ?? '—'}
                    {e.version ? `@${e.version}` : ''}
                  </code>
                </td>
                <td>
                  <span className={`badge ${e.outcome === 'success' ? 'ok' : 'critical'}`}>{e.outcome}</span>
                  {e.reason ? <span className="muted"> {e.reason}</span> : null}
                </td>
                <td>{e.actor}</td>
                <td>
                  {e.context.source === 'fhir'
                    ? `FHIR record${typeof e.context.resources === 'number' ? ` (${e.context.resources} resources)` : ''}`
                    : typeof e.context.via === 'string'
                      ? e.context.via
                      : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.length > SHOWN ? (
        <button type="button" className="secondary" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? `Show the latest ${SHOWN}` : `Show all ${events.length}`}
        </button>
      ) : null}
      {history.data?.nextAfter !== undefined ? <p className="muted">Only the first 1000 events are shown; see the Audit page for the rest.</p> : null}
    </>
  )
}
