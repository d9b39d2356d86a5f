import { useRef, useState, type FormEvent } from 'react'
import { api } from '../../api/client.ts'
import { Empty, ErrorState, Progress } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { fetchAllEvents, filterQuery, formatTime, NO_FILTERS, type AuditEvent } from './types.ts'

export interface UserAccess {
  user: string
  events: number
  first: string
  last: string
  actions: string[]
  denied: number
}

/** Group a patient's events by user: how often, first and last time, which actions. */
export function accessByUser(events: AuditEvent[]): UserAccess[] {
  const by = new Map<string, UserAccess>()
  for (const e of events) {
    const u = by.get(e.actor) ?? { user: e.actor, events: 0, first: e.ts, last: e.ts, actions: [], denied: 0 }
    u.events++
    if (e.ts < u.first) u.first = e.ts
    if (e.ts > u.last) u.last = e.ts
    if (!u.actions.includes(e.action)) u.actions.push(e.action)
    if (e.outcome === 'denied') u.denied++
    by.set(e.actor, u)
  }
  return [...by.values()].sort((a, b) => b.last.localeCompare(a.last))
}

/** "Who looked at this patient?": every event for one patient reference, grouped by user. */
export function AccessReport() {
  const [patient, setPatient] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [progress, setProgress] = useState<string>()
  const [result, setResult] = useState<{ patient: string; users: UserAccess[] } | { error: unknown }>()
  const abort = useRef<AbortController>(undefined)
  // Patients seen in the last 30 days, as suggestions.
  const known = useApi(
    () =>
      api.get<{ patients: Record<string, unknown> }>('/audit/report').then(
        (r) => Object.keys(r.patients ?? {}).sort(),
        () => [] as string[],
      ),
    [],
  )

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const ref = patient.trim()
    if (!ref) return
    const controller = new AbortController()
    abort.current = controller
    setResult(undefined)
    setProgress('Collecting the patient’s audit events…')
    try {
      const events = await fetchAllEvents(
        filterQuery({ ...NO_FILTERS, patient: ref, from, to }),
        (p) => setProgress(`Collecting: ${p.events.toLocaleString()} events…`),
        controller.signal,
      )
      setResult({ patient: ref, users: accessByUser(events) })
    } catch (error) {
      setResult(error instanceof DOMException && error.name === 'AbortError' ? undefined : { error })
    } finally {
      setProgress(undefined)
    }
  }

  return (
    <section className="card" aria-labelledby="access-h">
      <h2 id="access-h">Who looked at this patient?</h2>
      <form className="inline" onSubmit={(e) => void submit(e)} aria-label="Patient access report">
        <label>
          Patient reference
          <input
            name="patient"
            value={patient}
            onChange={(e) => setPatient(e.target.value)}
            required
            list="audit-patients"
            placeholder="Patient/123"
            autoComplete="off"
          />
        </label>
        <datalist id="audit-patients">
          {(known.data ?? []).map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" disabled={!!progress}>
            Show access report
          </button>
          {progress ? (
            <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          ) : null}
        </div>
      </form>
      {progress ? <Progress label={progress} /> : null}
      {result && 'error' in result ? <ErrorState error={result.error} /> : null}
      {result && 'users' in result ? (
        result.users.length === 0 ? (
          <Empty>
            No one has accessed {result.patient}
            {from || to ? ' in this period' : ''}.
          </Empty>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label={`Access to ${result.patient}`}>
            <table className="access-report">
              <caption>
                {result.users.length} {result.users.length === 1 ? 'user' : 'users'} accessed {result.patient}
              </caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Events</th>
                  <th scope="col">First access</th>
                  <th scope="col">Last access</th>
                  <th scope="col">Actions</th>
                  <th scope="col">Denied</th>
                </tr>
              </thead>
              <tbody>
                {result.users.map((u) => (
                  <tr key={u.user}>
                    <th scope="row">{u.user}</th>
                    <td>{u.events}</td>
                    <td>
                      <time dateTime={u.first}>{formatTime(u.first)}</time>
                    </td>
                    <td>
                      <time dateTime={u.last}>{formatTime(u.last)}</time>
                    </td>
                    <td>{u.actions.join(', ')}</td>
                    <td>{u.denied}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </section>
  )
}
