import { ApiError, api } from '../../api/client.ts'
import { CHART_COLORS, LineChart, type ChartMarker } from '../../ui/chart.tsx'
import { fmtCell, TableWrap } from '../../ui/table.tsx'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import type { Alerts, ColumnDrift, DriftResponse, Window } from './types.ts'

/** Consecutive slices of the window that the drift-over-time chart shows. */
export const SLICES = 4
const TEST_NAMES: Record<ColumnDrift['test'], string> = {
  ks: 'KS',
  wasserstein: 'Wasserstein (normed)',
  'chi-square': 'χ²',
  'jensen-shannon': 'Jensen–Shannon',
}
const psiLevel = (psi: number) => (psi >= 0.25 ? 'critical' : psi >= 0.1 ? 'warning' : 'ok')

interface DriftView {
  reference: 'training' | 'previous'
  fellBack: boolean
  current: DriftResponse
  slices: { from: string; to: string; report: DriftResponse }[]
}

async function loadDrift(model: string, version: string, w: Window, hasProfile: boolean): Promise<DriftView> {
  const start = Date.parse(w.from)
  const end = Date.parse(w.to)
  const previous = `${new Date(start - (end - start)).toISOString()}/${w.from}`
  const get = (from: string, to: string, reference: string) => api.get<DriftResponse>('/monitoring/drift', { model, version, from, to, reference })
  // Without a training profile (the manifest lists profile.json), compare with the window before this one.
  let reference: DriftView['reference'] = hasProfile ? 'training' : 'previous'
  let fellBack = !hasProfile
  let current: DriftResponse
  try {
    current = await get(w.from, w.to, reference === 'training' ? 'training' : previous)
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'monitoring.no_reference') throw e
    reference = 'previous'
    fellBack = true
    current = await get(w.from, w.to, previous)
  }
  const step = (end - start) / SLICES
  const bounds = Array.from({ length: SLICES }, (_, i) => [new Date(start + i * step).toISOString(), new Date(start + (i + 1) * step).toISOString()] as const)
  const slices = await Promise.all(
    bounds.map(async ([from, to]) => ({ from, to, report: await get(from, to, reference === 'training' ? 'training' : previous) })),
  )
  return { reference, fellBack, current, slices }
}

/** Drift per feature (PSI, KS or the chosen test) in the window, and PSI over consecutive slices with alert markers. */
export function DriftSection({
  model,
  version,
  window,
  features,
  alerts,
  hasProfile,
}: {
  model: string
  version: string
  window: Window
  features: string[]
  alerts?: Alerts
  hasProfile: boolean
}) {
  const drift = useApi(() => loadDrift(model, version, window, hasProfile), [model, version, window, hasProfile])
  const d = drift.data
  return (
    <section className="card" aria-labelledby="mon-drift">
      <h2 id="mon-drift">Drift</h2>
      {drift.loading && !d ? (
        <Loading label="Loading drift…" />
      ) : drift.error ? (
        <ErrorState error={drift.error} />
      ) : !d ? null : (
        <>
          <p className="muted">
            {d.reference === 'training' ? (
              <>Compared with the training profile of version {d.current.version} (a sample of the training rows).</>
            ) : (
              <>Compared with the preceding window of the same length{d.fellBack ? <> — version {d.current.version} has no training profile</> : null}.</>
            )}{' '}
            {d.current.n} prediction{d.current.n === 1 ? '' : 's'} in this window.
          </p>
          {d.current.n === 0 ? (
            <Empty>No predictions are logged for this model in the window: nothing to compare yet.</Empty>
          ) : !d.current.featuresLogged ? (
            <Empty>
              Feature values are not logged (<code>storeFeatures: false</code>): only the score distribution is watched.
            </Empty>
          ) : null}
          {Object.keys(d.current.columns).length > 0 ? <DriftTable d={d.current} /> : null}
          <DriftOverTime d={d} features={features} alerts={alerts} model={model} />
        </>
      )}
    </section>
  )
}

function DriftTable({ d }: { d: DriftResponse }) {
  const names = Object.keys(d.columns)
  return (
    <TableWrap label="Drift per feature">
      <table className="mon-drift">
        <caption>
          Drift per feature: {d.drift.count} of {names.length} drifted ({fmtCell(d.drift.share * 100, 0)} %)
          {d.drift.drifted ? ' — the dataset has drifted' : ''}. PSI of 0.1 and 0.25 are the usual moderate and major shift levels.
        </caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">PSI</th>
            <th scope="col">KS statistic</th>
            <th scope="col">Test</th>
            <th scope="col">Statistic</th>
            <th scope="col">p-value</th>
            <th scope="col">Drifted</th>
          </tr>
        </thead>
        <tbody>
          {names.map((f) => {
            const c = d.columns[f]!
            return (
              <tr key={f}>
                <th scope="row">{f}</th>
                <td>
                  <span className={`badge ${psiLevel(c.psi)}`}>{fmtCell(c.psi)}</span>
                </td>
                <td>{c.test === 'ks' ? fmtCell(c.statistic) : '—'}</td>
                <td>{TEST_NAMES[c.test]}</td>
                <td>{fmtCell(c.statistic)}</td>
                <td>{fmtCell(c.pValue)}</td>
                <td>{c.drifted ? <span className="badge critical">Drifted</span> : <span className="badge ok">No</span>}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </TableWrap>
  )
}

function DriftOverTime({ d, features, alerts, model }: { d: DriftView; features: string[]; alerts?: Alerts; model: string }) {
  const names = ['score', ...features].filter((f) => d.slices.some((s) => s.report.columns[f]))
  if (names.length === 0) return <Empty>PSI over time appears once the slices of the window have predictions to compare.</Empty>
  const short = (iso: string) =>
    new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) +
    (d.slices.length && Date.parse(d.slices[0]!.to) - Date.parse(d.slices[0]!.from) < 2 * 86_400_000
      ? ` ${new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
      : '')
  const psiRules = (alerts?.rules ?? []).filter((r) => r.quantity === 'psi' && (!r.model || r.model === model))
  // One marker per slice where firing drift alerts started (several alerts in a slice share one).
  const bySlice = new Map<number, string[]>()
  for (const s of (alerts?.states ?? []).filter((s) => s.model === model && s.firing && psiRules.some((r) => r.id === s.rule))) {
    const t = Date.parse(s.since)
    const i = d.slices.findIndex((sl) => t >= Date.parse(sl.from) && t < Date.parse(sl.to))
    const at = i < 0 ? d.slices.length - 1 : i
    bySlice.set(at, [...(bySlice.get(at) ?? []), `${s.rule}${s.feature ? ` (${s.feature})` : ''}`])
  }
  const markers: ChartMarker[] = [...bySlice].map(([x, names]) => ({ x, label: names.length === 1 ? names[0]! : `${names.length} alerts` }))
  const firing = [...bySlice].map(([x, names]) => `${names.join(', ')} firing since slice ${x + 1}`).join('; ')
  const series = names.map((f, k) => ({
    name: `PSI ${f}`,
    color: CHART_COLORS[k % CHART_COLORS.length]!,
    dashed: k >= CHART_COLORS.length,
    dots: true,
    points: d.slices.map((s, i) => [i, s.report.columns[f]?.psi ?? Number.NaN] as [number, number]),
  }))
  const threshold = psiRules.find((r) => !r.feature) ?? psiRules[0]
  if (threshold)
    series.push({
      name: `Alert threshold ${threshold.threshold} (${threshold.id})`,
      color: '#a4161a',
      dashed: true,
      dots: false,
      points: [
        [0, threshold.threshold],
        [d.slices.length - 1, threshold.threshold],
      ],
    })
  return (
    <>
      <h3>PSI over time</h3>
      <LineChart
        label={`PSI per feature over ${d.slices.length} consecutive slices of the window${markers.length ? `, with alert markers: ${firing}` : ''}`}
        xLabel="Slice of the window (start)"
        yLabel="PSI"
        x={[-0.2, d.slices.length - 0.8]}
        xTicks={d.slices.map((s, i) => ({ value: i, text: short(s.from) }))}
        series={series}
        markers={markers}
        caption={
          <>
            Each point compares one slice with the {d.reference === 'training' ? 'training profile' : 'preceding window'}; a gap means the slice had no
            predictions. {markers.length ? 'Dotted red lines mark firing drift alerts.' : 'No drift alert is firing.'}
          </>
        }
        table={{
          caption: 'PSI per feature and slice',
          columns: ['Feature', ...d.slices.map((s) => `${short(s.from)} (n ${s.report.n})`)],
          rows: names.map((f) => [f, ...d.slices.map((s) => s.report.columns[f]?.psi ?? null)]),
        }}
      />
    </>
  )
}
