import { useMemo, useState } from 'react'
import { api } from '../../api/client.ts'
import type { PageProps } from '../../pages.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { AdverseEvents } from './adverse-events.tsx'
import { AlertStatus } from './alerts.tsx'
import { DriftSection } from './drift.tsx'
import { EstimatedSection } from './estimated.tsx'
import { FairnessSection } from './fairness.tsx'
import { PerformanceSection } from './performance.tsx'
import type { Alerts, ModelInput, ModelSummary, Window } from './types.ts'

const WINDOWS = [
  { days: 1, text: 'Last 24 hours' },
  { days: 7, text: 'Last 7 days' },
  { days: 30, text: 'Last 30 days' },
  { days: 90, text: 'Last 90 days' },
  { days: 365, text: 'Last 12 months' },
]

/**
 * The monitoring dashboard (#/monitoring/<model>/<version>): performance with ROC and calibration
 * plots, fairness by a chosen attribute, drift per feature and over time with alert markers, alert
 * status, and adverse events. Without outcomes it still shows drift, alerts and adverse events,
 * and says how to post outcomes.
 */
export default function MonitoringPage({ params, navigate }: PageProps) {
  const models = useApi(() => api.get<{ models: ModelSummary[] }>('/models'), [])
  const [days, setDays] = useState(30)
  const list = models.data?.models ?? []
  const model = list.find((m) => m.name === params[0]) ?? list[0]
  const version = model && params[1] && model.versions.some((v) => v.version === params[1]) ? params[1] : ''
  const serving = model ? version || model.aliases.production || model.aliases.latest || model.versions.at(-1)?.version : undefined
  // Computed once per choice (not per render), so the reports are not refetched on every render.
  const window = useMemo<Window>(() => {
    const to = Date.now() + 60_000
    return { from: new Date(to - days * 86_400_000).toISOString(), to: new Date(to).toISOString(), days }
  }, [days])
  const manifest = useApi(
    () =>
      model && serving
        ? api.get<{ manifest: { inputs: ModelInput[]; threshold?: number; files?: Record<string, string> } }>(
            `/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(serving)}`,
          )
        : Promise.resolve(undefined),
    [model?.name, serving],
  )
  const alerts = useApi(() => api.get<Alerts>('/monitoring/alerts'), [])

  if (models.loading && !models.data)
    return (
      <>
        <h1>Monitoring</h1>
        <Loading label="Loading models…" />
      </>
    )
  if (models.error)
    return (
      <>
        <h1>Monitoring</h1>
        <ErrorState error={models.error} />
      </>
    )
  if (!model)
    return (
      <>
        <h1>Monitoring</h1>
        <Empty>
          No models are registered yet. Register one (<code>nexora models import</code>) and its predictions will be monitored here.
        </Empty>
      </>
    )

  const go = (name: string, v: string) => navigate(['monitoring', encodeURIComponent(name), ...(v ? [encodeURIComponent(v)] : [])].join('/'))
  const inputs = manifest.data?.manifest.inputs ?? []
  return (
    <>
      <h1>Monitoring</h1>
      <form className="inline mon-pickers" onSubmit={(e) => e.preventDefault()} aria-label="What to monitor">
        <label>
          Model
          <select value={model.name} onChange={(e) => go(e.target.value, '')}>
            {list.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Version
          <select value={version} onChange={(e) => go(model.name, e.target.value)}>
            <option value="">All versions</option>
            {model.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version} ({v.stage})
              </option>
            ))}
          </select>
        </label>
        <label>
          Window
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.days} value={w.days}>
                {w.text}
              </option>
            ))}
          </select>
        </label>
      </form>
      <AlertStatus model={model.name} alerts={alerts} />
      <PerformanceSection model={model.name} version={version} window={window} />
      <EstimatedSection model={model.name} version={version} window={window} />
      <FairnessSection model={model.name} version={version} window={window} inputs={inputs} />
      {manifest.data ? (
        <DriftSection
          model={model.name}
          version={version}
          window={window}
          features={inputs.map((i) => i.name)}
          alerts={alerts.data}
          hasProfile={!!manifest.data.manifest.files?.['profile.json']}
        />
      ) : (
        <section className="card" aria-labelledby="mon-drift">
          <h2 id="mon-drift">Drift</h2>
          {manifest.error ? <ErrorState error={manifest.error} /> : <Loading label="Loading drift…" />}
        </section>
      )}
      <AdverseEvents model={model.name} version={serving ?? ''} />
    </>
  )
}
