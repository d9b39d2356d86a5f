import { useState } from 'react'
import { api } from '../../api/client.ts'
import { download } from '../../ui/download.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { TableWrap } from '../../ui/table.tsx'
import { useApi } from '../../ui/use-api.ts'
import { WorklistFilterForm } from './worklist-filters.tsx'
import { jobPath, NO_FILTERS, worklistQuery, type RiskScore, type WorklistFilters } from './types.ts'

const TOP_N = [25, 50, 100, 500]
const STATUS_BADGE = { scored: 'badge', skipped: 'badge warning', failed: 'badge critical' } as const
const percent = (p: number | null) => (p === null ? '—' : `${(p * 100).toFixed(1)}%`)

/**
 * The risk-stratified worklist: the top N results by descending score (skipped and failed last),
 * filtered; each patient links to their risk view. Only the FHIR id identifies a patient here.
 * `refresh` changes as results arrive, so a running job's worklist fills in.
 */
export function Worklist({ id, refresh }: { id: string; refresh: unknown }) {
  const [limit, setLimit] = useState(50)
  const [filters, setFilters] = useState<WorklistFilters>(NO_FILTERS)
  const [saving, setSaving] = useState<{ error?: unknown; busy?: boolean }>({})
  const query = worklistQuery(filters, limit)
  const scores = useApi(() => api.get<{ scores: RiskScore[] }>(`${jobPath(id)}/scores`, query), [id, JSON.stringify(query), refresh])
  const rows = scores.data?.scores ?? []

  // The CSV holds what the table shows (same filters, same top N), fetched with the session's token.
  async function saveCsv() {
    setSaving({ busy: true })
    try {
      const text = await api.get<string>(`${jobPath(id)}/scores`, { ...query, format: 'csv' }, 'text/csv')
      download(`worklist-${id}.csv`, 'text/csv;charset=utf-8', text)
      setSaving({})
    } catch (error) {
      setSaving({ error })
    }
  }

  return (
    <section className="card" aria-labelledby="jobs-worklist">
      <h2 id="jobs-worklist">Worklist</h2>
      <WorklistFilterForm value={filters} onApply={setFilters} labels={[...new Set(rows.map((r) => r.label).filter((l) => l !== null))]} />
      <div className="actions jobs-worklist-actions">
        <label className="page-size">
          Show top
          <select value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {TOP_N.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" disabled={saving.busy} onClick={() => void saveCsv()}>
          {saving.busy ? 'Preparing CSV…' : 'Download CSV'}
        </button>
      </div>
      {saving.error ? <ErrorState error={saving.error} /> : null}
      {scores.error ? (
        <ErrorState error={scores.error} />
      ) : scores.loading && !scores.data ? (
        <Loading label="Loading the worklist…" />
      ) : rows.length === 0 ? (
        <Empty>No results match these filters yet.</Empty>
      ) : (
        <TableWrap label="Worklist">
          <table className="jobs-worklist" aria-busy={scores.loading || undefined}>
            <caption>
              Top {limit} by risk: {rows.length} {rows.length === 1 ? 'patient' : 'patients'} shown
            </caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Patient</th>
                <th scope="col">Risk</th>
                <th scope="col">Label</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={r.patient}>
                  <td>{i + 1}</td>
                  <th scope="row">
                    <a href={`#/patients/${encodeURIComponent(r.patient)}`}>{r.patient}</a>
                  </th>
                  <td data-score={r.score ?? undefined}>{percent(r.score)}</td>
                  <td>{r.label ?? '—'}</td>
                  <td>
                    <span className={STATUS_BADGE[r.status]}>{r.status}</span>
                  </td>
                  <td>{r.reason ? <code>{r.reason}</code> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  )
}
