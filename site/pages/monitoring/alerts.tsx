import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { fmtCell, TableWrap } from '../../ui/table.tsx'
import type { Alerts } from './types.ts'

const target = (s: { feature?: string; attribute?: string; measure?: string }) =>
  [s.feature && `feature ${s.feature}`, s.attribute && `attribute ${s.attribute}`, s.measure].filter(Boolean).join(', ')

/** Alert rules that apply to the model and their current state (GET /monitoring/alerts). */
export function AlertStatus({ model, alerts }: { model: string; alerts: { data?: Alerts; error?: unknown; loading: boolean } }) {
  const rules = (alerts.data?.rules ?? []).filter((r) => !r.model || r.model === model)
  const states = (alerts.data?.states ?? []).filter((s) => s.model === model)
  const firing = states.filter((s) => s.firing)
  return (
    <section className="card" aria-labelledby="mon-alerts">
      <h2 id="mon-alerts">
        Alert status{' '}
        {alerts.data ? <span className={`badge ${firing.length ? 'critical' : 'ok'}`}>{firing.length ? `${firing.length} firing` : 'None firing'}</span> : null}
      </h2>
      {alerts.loading && !alerts.data ? (
        <Loading label="Loading alerts…" />
      ) : alerts.error ? (
        <ErrorState error={alerts.error} />
      ) : rules.length === 0 ? (
        <Empty>
          No alert rules apply to this model. Rules are set in the monitoring configuration (<code>NEXORA_MONITORING_CONFIG</code>, <code>alerts</code>; see
          docs/monitoring.md).
        </Empty>
      ) : (
        <TableWrap label="Alert rules">
          <table>
            <caption className="visually-hidden">Alert rules for {model}</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Watches</th>
                <th scope="col">Fires when</th>
                <th scope="col">State</th>
                <th scope="col">Last value</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {rules.flatMap((r) => {
                const mine = states.filter((s) => s.rule === r.id)
                const cond = `${r.op} ${r.threshold}`
                if (mine.length === 0)
                  return [
                    <tr key={r.id}>
                      <th scope="row">{r.id}</th>
                      <td>
                        {r.quantity}
                        {target(r) ? ` (${target(r)})` : ''}
                      </td>
                      <td>{cond}</td>
                      <td>
                        <span className="badge">Not evaluated yet</span>
                      </td>
                      <td>—</td>
                      <td>—</td>
                    </tr>,
                  ]
                return mine.map((s, i) => (
                  <tr key={`${r.id}-${i}`}>
                    <th scope="row">{r.id}</th>
                    <td>
                      {r.quantity}
                      {target(s) ? ` (${target(s)})` : ''} · {s.version === 'all' ? 'all versions' : `v${s.version}`}
                    </td>
                    <td>{cond}</td>
                    <td>
                      <span className={`badge ${s.firing ? 'critical' : 'ok'}`}>{s.firing ? 'Firing' : 'OK'}</span>
                    </td>
                    <td>{fmtCell(s.value)}</td>
                    <td>{new Date(s.since).toLocaleString()}</td>
                  </tr>
                ))
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  )
}
