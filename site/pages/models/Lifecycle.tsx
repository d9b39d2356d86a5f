import { useRef, useState } from 'react'
import { api } from '../../api/client.ts'
import { hasScope, type Session } from '../../session.ts'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { formatDate, modelPath } from './types.tsx'

interface LifecycleView {
  shadows: string[]
  canary?: { version: string; champion: string; steps: number[]; percentNow: number; rollbackOn: string[]; startedBy: string }
  approvals: { version: string; by: string; reason: string; at: string }[]
  lastRollback?: { version: string; champion: string; at: string; reason: string }
}
interface TimelineEvent {
  seq: number
  ts: string
  action: string
  actor: string
  version: string | null
  reason: string | null
}
interface Comparison {
  n: number
  labelAgreement: number | null
  scores: { meanAbsDifference: number | null; correlation: number | null } | null
  outcomes: {
    n: number
    champion: { auroc: number | null; brier: number | null }
    challenger: { auroc: number | null; brier: number | null }
    difference: { auroc: { estimate: number | null; lower: number | null; upper: number | null } }
  } | null
}

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits))
const STEP = { 'model.shadow_stop': 'shadow stopped', 'model.canary_step': 'canary widened' } as Record<string, string>

/** A shadow version against what was served: agreement, score differences, and the AUROC difference with its paired CI. */
function ShadowComparison({ name, version }: { name: string; version: string }) {
  const { data, error, loading } = useApi(
    () => api.get<Comparison>(`/monitoring/compare?model=${encodeURIComponent(name)}&challenger=${encodeURIComponent(version)}`),
    [name, version],
  )
  if (loading) return <Loading label="Comparing…" />
  if (error || !data) return <ErrorState error={error} />
  const d = data.outcomes?.difference.auroc
  return (
    <dl className="facts">
      <dt>Shadow {version}: requests compared</dt>
      <dd>{data.n}</dd>
      <dt>Label agreement</dt>
      <dd>{data.labelAgreement === null ? '—' : `${(data.labelAgreement * 100).toFixed(1)} %`}</dd>
      <dt>Mean |score difference|</dt>
      <dd>{fmt(data.scores?.meanAbsDifference)}</dd>
      <dt>AUROC served → shadow (with outcomes)</dt>
      <dd>
        {data.outcomes
          ? `${fmt(data.outcomes.champion.auroc)} → ${fmt(data.outcomes.challenger.auroc)}; ` +
            `Δ ${fmt(d?.estimate)} (95 % CI ${fmt(d?.lower)} to ${fmt(d?.upper)}, n = ${data.outcomes.n})`
          : 'no outcomes yet'}
      </dd>
    </dl>
  )
}

/**
 * The governed lifecycle of a model: its shadows (with the comparison), its canary (share now,
 * rollback rules), approvals, the last rollback, and the timeline of every step from the audit
 * trail. Approve, shadow, canary and rollback for the selected version, by scope.
 */
export function Lifecycle({ session, name, version }: { session: Session; name: string; version: string }) {
  const state = useApi(() => api.get<LifecycleView & { name: string }>(`${modelPath(name)}/lifecycle`), [name])
  const timeline = useApi(() => api.get<{ events: TimelineEvent[] }>(`${modelPath(name)}/timeline`), [name])
  const [result, setResult] = useState<{ ok: string } | { error: unknown }>()
  const [reason, setReason] = useState('')
  const resultRef = useRef<HTMLDivElement>(null)
  const canWrite = hasScope(session, 'nexora/models.write')
  const canApprove = hasScope(session, 'nexora/models.approve')
  const canMonitor = hasScope(session, 'nexora/monitor')

  const act = async (label: string, path: string, body?: unknown) => {
    setResult(undefined)
    try {
      await api.post(path, body)
      setResult({ ok: label })
      state.reload()
      timeline.reload()
    } catch (error) {
      setResult({ error })
    }
    requestAnimationFrame(() => resultRef.current?.focus())
  }
  const s = state.data
  const at = modelPath(name, version)
  return (
    <section aria-labelledby="lifecycle-h">
      <h2 id="lifecycle-h">Lifecycle</h2>
      {state.loading && !s ? <Loading label="Loading the lifecycle…" /> : null}
      {state.error ? <ErrorState error={state.error} /> : null}
      {s ? (
        <dl className="facts">
          <dt>Shadows</dt>
          <dd>{s.shadows.join(', ') || 'none'}</dd>
          <dt>Canary</dt>
          <dd>
            {s.canary
              ? `${s.canary.version} scores ${s.canary.percentNow} % of patients ` +
                `(steps ${s.canary.steps.join(' → ')} %; rolls back on ${s.canary.rollbackOn.join(', ') || 'nothing'})`
              : 'none'}
          </dd>
          <dt>Approvals</dt>
          <dd>{s.approvals.length ? s.approvals.map((a) => `${a.version} by ${a.by} (${formatDate(a.at)}): ${a.reason}`).join('; ') : 'none'}</dd>
          {s.lastRollback ? (
            <>
              <dt>Last rollback</dt>
              <dd>{`${s.lastRollback.version} → ${s.lastRollback.champion} at ${formatDate(s.lastRollback.at)} (${s.lastRollback.reason})`}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {canMonitor && s ? s.shadows.map((v) => <ShadowComparison key={v} name={name} version={v} />) : null}
      {canApprove || canWrite ? (
        <div className="actions">
          {canApprove ? (
            <>
              <label>
                Reason for approving {version}
                <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
              </label>
              <button
                type="button"
                className="secondary"
                disabled={reason.trim().length < 3}
                onClick={() => act(`Approved ${version}.`, `${at}/approve`, { reason })}
              >
                Approve {version}
              </button>
            </>
          ) : null}
          {canWrite ? (
            <>
              <button
                type="button"
                className="secondary"
                onClick={() => act(`Shadow of ${version} changed.`, `${at}/shadow`, { enabled: !s?.shadows.includes(version) })}
              >
                {s?.shadows.includes(version) ? `Stop shadowing ${version}` : `Shadow ${version}`}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={!!s?.canary}
                onClick={() => act(`Canary of ${version} started.`, `${at}/canary`, { steps: [5, 20, 50] })}
              >
                Canary {version} (5 → 20 → 50 %)
              </button>
              <button type="button" className="secondary" disabled={!s?.canary} onClick={() => act('Canary widened.', `${modelPath(name)}/canary/advance`)}>
                Widen canary
              </button>
              <button
                type="button"
                className="secondary danger"
                disabled={!s?.canary}
                onClick={() => act('Rolled back.', `${modelPath(name)}/canary/rollback`, { reason: 'rolled back from the web UI' })}
              >
                Roll back canary
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      <div ref={resultRef} tabIndex={-1} role="status">
        {result && 'ok' in result ? <p>{result.ok}</p> : null}
        {result && 'error' in result ? <ErrorState error={result.error} /> : null}
      </div>
      <h3>Timeline</h3>
      {timeline.error ? <ErrorState error={timeline.error} /> : null}
      {timeline.data ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={`${name} timeline`}>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Step</th>
                <th scope="col">Version</th>
                <th scope="col">Who</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {timeline.data.events.map((e) => (
                <tr key={e.seq}>
                  <td>{formatDate(e.ts)}</td>
                  <td>{STEP[e.action] ?? e.action.replace('model.', '')}</td>
                  <td>{e.version ?? '—'}</td>
                  <td>{e.actor}</td>
                  <td>{e.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  )
}
