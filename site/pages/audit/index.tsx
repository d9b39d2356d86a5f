import { useState } from 'react'
import { api } from '../../api/client.ts'
import type { PageProps } from '../../pages.ts'
import { hasScope } from '../../session.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { AccessReport } from './AccessReport.tsx'
import { EventsTable } from './EventsTable.tsx'
import { Exports } from './Exports.tsx'
import { FilterForm } from './FilterForm.tsx'
import { filterQuery, NO_FILTERS, type EventsPage, type Filters } from './types.ts'
import { VerifyChain } from './VerifyChain.tsx'

const PAGE_SIZES = [25, 50, 100, 250]

/** The audit viewer (nexora/audit.read): filtered, keyset-paged events; exports; chain check; access report. */
export default function AuditPage({ session }: PageProps) {
  if (!hasScope(session, 'nexora/audit.read'))
    return (
      <>
        <h1>Audit trail</h1>
        <Empty>Reading the audit trail needs the nexora/audit.read scope.</Empty>
      </>
    )
  return (
    <>
      <h1>Audit trail</h1>
      <VerifyChain />
      <AuditEvents />
      <AccessReport />
    </>
  )
}

function AuditEvents() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [limit, setLimit] = useState(50)
  // Keyset pagination: the `after` cursor of every page visited so far (page 1 has none).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined])
  const after = cursors.at(-1)
  const query = filterQuery(filters)
  const page = cursors.length
  // The page number travels with its data, so the caption never labels the previous page's rows.
  const { data, error, loading } = useApi(
    () => api.get<EventsPage>('/audit/events', { ...query, limit, after }).then((r) => ({ ...r, page })),
    [JSON.stringify(query), limit, after],
  )
  const apply = (f: Filters) => {
    setFilters(f)
    setCursors([undefined])
  }
  const first = data?.events[0]?.seq
  const last = data?.events.at(-1)?.seq

  return (
    <section aria-labelledby="events-h">
      <h2 id="events-h">Events</h2>
      <FilterForm value={filters} onApply={apply} />
      <Exports query={query} />
      {error ? <ErrorState error={error} /> : null}
      {loading && !data ? <Loading label="Loading audit events…" /> : null}
      {data && !error ? (
        data.events.length === 0 ? (
          <Empty>{data.page > 1 ? 'No more events.' : 'No audit events match these filters.'}</Empty>
        ) : (
          <EventsTable events={data.events} busy={loading} caption={`Page ${data.page}: ${data.events.length} events (seq ${first}–${last})`} />
        )
      ) : null}
      <div className="pager" role="navigation" aria-label="Audit event pages">
        <button type="button" className="secondary" disabled={page === 1 || loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <span aria-live="polite">
          Page {page}
          {loading && data ? ' (loading…)' : ''}
        </span>
        <button
          type="button"
          className="secondary"
          disabled={loading || data?.nextAfter === undefined || !data.events.length}
          onClick={() => setCursors((c) => [...c, data!.nextAfter])}
        >
          Next page
        </button>
        <label className="page-size">
          Per page
          <select
            value={limit}
            onChange={(e) => {
              setLimit(Number(e.target.value))
              setCursors([undefined])
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
    </section>
  )
}
