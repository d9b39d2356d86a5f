import { useState, type FormEvent } from 'react'
import { TableWrap } from '../../ui/table.tsx'
import { api } from '../../api/client.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import type { AdverseEvent } from './types.ts'

const SEVERITIES = ['mild', 'moderate', 'severe', 'life-threatening', 'death'] as const
const severityBadge = (s: string) => (s === 'mild' ? '' : s === 'moderate' ? 'warning' : 'critical')

/** The model's adverse events (newest first) and the form to report one. */
export function AdverseEvents({ model, version }: { model: string; version: string }) {
  const events = useApi(() => api.get<{ events: AdverseEvent[] }>('/adverse-events', { model, limit: 20 }), [model])
  const [sending, setSending] = useState(false)
  const [sent, setSent] = useState<AdverseEvent | undefined>()
  const [error, setError] = useState<unknown>()

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const form = e.currentTarget
    const data = new FormData(form)
    const text = (k: string) => String(data.get(k) ?? '').trim()
    const occurred = text('occurredAt')
    setSending(true)
    setError(undefined)
    setSent(undefined)
    try {
      const event = await api.post<AdverseEvent>('/adverse-events', {
        type: text('type'),
        severity: text('severity'),
        description: text('description'),
        model,
        ...(version ? { version } : {}),
        ...(text('predictionId') ? { predictionId: text('predictionId') } : {}),
        ...(occurred ? { occurredAt: new Date(occurred).toISOString() } : {}),
      })
      setSent(event)
      form.reset()
      events.reload()
    } catch (err) {
      setError(err)
    } finally {
      setSending(false)
    }
  }

  const list = events.data?.events ?? []
  return (
    <section className="card" aria-labelledby="mon-ae">
      <h2 id="mon-ae">Adverse events</h2>
      {events.loading && !events.data ? (
        <Loading label="Loading adverse events…" />
      ) : events.error ? (
        <ErrorState error={events.error} />
      ) : list.length === 0 ? (
        <Empty>No adverse events reported for {model}.</Empty>
      ) : (
        <TableWrap label="Adverse events">
          <table className="mon-ae-list">
            <caption className="visually-hidden">Adverse events for {model}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Occurred</th>
                <th scope="col">Type</th>
                <th scope="col">Severity</th>
                <th scope="col">Status</th>
                <th scope="col">Version</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {list.map((ev) => (
                <tr key={ev.id}>
                  <td>{new Date(ev.occurredAt).toLocaleString()}</td>
                  <td>{ev.type}</td>
                  <td>
                    <span className={`badge ${severityBadge(ev.severity)}`}>{ev.severity}</span>
                  </td>
                  <td>{ev.status}</td>
                  <td>{ev.version ?? '—'}</td>
                  <td className="mon-ae-desc">{ev.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h3>Report an adverse event</h3>
      <form className="mon-ae-form" onSubmit={submit}>
        <label>
          Type <input name="type" required maxLength={100} placeholder="e.g. missed-deterioration" autoComplete="off" />
        </label>
        <label>
          Severity
          <select name="severity" required defaultValue="moderate">
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Occurred at (optional) <input name="occurredAt" type="datetime-local" />
        </label>
        <label>
          Prediction id (optional) <input name="predictionId" maxLength={200} placeholder="<requestId>#0" autoComplete="off" />
        </label>
        <label className="wide">
          What happened <textarea name="description" required maxLength={10_000} aria-describedby="ae-hint" />
        </label>
        <p id="ae-hint" className="muted wide">
          Describe the event without names or other identifiers; it is linked to {model}
          {version ? ` ${version}` : ''}. Severe reports alert the safety contacts.
        </p>
        <div className="wide">
          <button type="submit" disabled={sending}>
            {sending ? 'Reporting…' : 'Report adverse event'}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {sent ? (
          <p className="state ok-state" role="status">
            Reported: {sent.type} ({sent.severity}), status {sent.status}.
          </p>
        ) : null}
      </div>
      {error ? <ErrorState error={error} /> : null}
    </section>
  )
}
