import { formatTime, type AuditEvent } from './types.ts'

const OUTCOME_BADGE = { success: 'badge ok', failure: 'badge warning', denied: 'badge critical' } as const

/** What an event was about, in a few words: the route, reason or purpose it carries. */
function detail(e: AuditEvent): string {
  const c = e.context ?? {}
  return [
    typeof c.route === 'string' ? c.route : '',
    e.reason ?? '',
    typeof c.purpose === 'string' ? `purpose ${c.purpose}` : '',
    typeof c.rows === 'number' ? `${c.rows} row${c.rows === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' · ')
}

export function EventsTable({ events, caption, busy }: { events: AuditEvent[]; caption: string; busy?: boolean }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit events" aria-busy={busy || undefined} data-busy={busy || undefined}>
      <table className="audit-events">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Time</th>
            <th scope="col">User</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Patient</th>
            <th scope="col">Model</th>
            <th scope="col">Details</th>
            <th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>
                <time dateTime={e.ts}>{formatTime(e.ts)}</time>
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                <span className={OUTCOME_BADGE[e.outcome] ?? 'badge'}>{e.outcome}</span>
              </td>
              <td>{e.patientRef ?? '—'}</td>
              <td>{e.model ? `${e.model}${e.version ? ` ${e.version}` : ''}` : '—'}</td>
              <td>{detail(e) || '—'}</td>
              <td className="mono">{e.requestId ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
