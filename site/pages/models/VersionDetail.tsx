import { api } from '../../api/client.ts'
import { hasScope, type Session } from '../../session.ts'
import { Markdown } from '../../ui/markdown.tsx'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { calibrationFromMetrics, calibrationFromPerformance, type Calibration, type PerformanceReport } from './calibration.ts'
import { CalibrationPlot } from './CalibrationPlot.tsx'
import { Metrics } from './Metrics.tsx'
import { SourceAttributes } from './SourceAttributes.tsx'
import { StageActions } from './StageActions.tsx'
import { formatDate, modelPath, StageBadge, type ModelSummary, type ModelVersion, type Stage } from './types.tsx'

/** One version: stage (and the admin's stage actions), metrics, calibration, the model card and the ONC HTI-1 source attributes. */
export function VersionDetail({
  session,
  name,
  version,
  stage,
  onChanged,
}: {
  session: Session
  name: string
  version: string
  stage: Stage
  onChanged: (m: ModelSummary) => void
}) {
  const { data, error, loading } = useApi(() => api.get<ModelVersion>(modelPath(name, version)), [name, version])
  if (loading && !data) return <Loading label={`Loading ${name} ${version}…`} />
  if (error || !data) return <ErrorState error={error} />
  const m = data.manifest
  const canWrite = hasScope(session, 'nexora/models.write')
  return (
    <section className="version" aria-labelledby="version-h">
      <h2 id="version-h">
        Version {version} <StageBadge stage={stage} />
      </h2>
      <p className="muted">
        {m.kind} · registered {formatDate(data.createdAt)}
        {m.outputs[0] ? ` · output ${m.outputs[0].name} (${m.outputs[0].type})` : ''}
      </p>
      {m.description ? <p>{m.description}</p> : null}
      {canWrite ? (
        <StageActions name={name} version={version} stage={stage} onChanged={onChanged} />
      ) : (
        <p className="muted">
          Changing a version's stage needs the <code>nexora/models.write</code> scope.
        </p>
      )}
      <div className="grid">
        <section className="card" aria-labelledby="metrics-h">
          <h3 id="metrics-h">Metrics</h3>
          <Metrics metrics={m.metrics} threshold={m.threshold} split={m.training?.split} />
        </section>
        <section className="card" aria-labelledby="calibration-h">
          <h3 id="calibration-h">Calibration</h3>
          <CalibrationSection session={session} name={name} version={version} metrics={m.metrics} />
        </section>
      </div>
      <section aria-labelledby="card-h">
        <h3 id="card-h">Model card</h3>
        {m.card ? (
          <article className="card model-card">
            <Markdown source={m.card} headingOffset={3} />
          </article>
        ) : (
          <Empty>This version has no model card.</Empty>
        )}
      </section>
      <section aria-labelledby="source-attributes-h">
        <h3 id="source-attributes-h">Source attributes (ONC HTI-1)</h3>
        <SourceAttributes name={name} version={version} />
      </section>
    </section>
  )
}

/** From the manifest's metrics if it has calibration bins; otherwise from monitoring; otherwise empty. */
function CalibrationSection({ session, name, version, metrics }: { session: Session; name: string; version: string; metrics?: Record<string, number> }) {
  const fromManifest = calibrationFromMetrics(metrics)
  const canMonitor = hasScope(session, 'nexora/monitor')
  const live = useApi<Calibration | undefined>(
    () =>
      fromManifest || !canMonitor
        ? Promise.resolve(undefined)
        : api.get<PerformanceReport>('/monitoring/performance', { model: name, version }).then(calibrationFromPerformance, () => undefined),
    [name, version, !!fromManifest, canMonitor],
  )
  if (fromManifest) return <CalibrationPlot calibration={fromManifest} />
  if (live.loading) return <Loading label="Loading calibration…" />
  if (live.data) return <CalibrationPlot calibration={live.data} />
  return (
    <Empty>No calibration yet: the manifest records no calibration bins{canMonitor ? ' and monitoring has no observed outcomes for this version' : ''}.</Empty>
  )
}
