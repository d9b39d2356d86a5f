import { api, ApiError } from '../../api/client.ts'
import { CHART_COLORS, LineChart } from '../../ui/chart.tsx'
import { fmtCell } from '../../ui/table.tsx'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import type { EstimatedReport, Window } from './types.ts'

const day = (iso: string) => iso.slice(0, 10)
/** The server's `minSamples`: fewer labelled reference predictions and it answers `monitoring.reference_too_small`. */
const MIN_REFERENCE = 50

/**
 * Estimated AUROC (CBPE: from the scores, before outcomes arrive) beside the realised AUROC, per
 * time chunk of the window. The estimate needs labelled predictions of the same version before the
 * window; without them the section says so rather than showing an error.
 */
export function EstimatedSection({ model, version, window }: { model: string; version: string; window: Window }) {
  const est = useApi(async () => {
    // Count the labelled reference first: asking for an estimate without one is a 422, which the
    // browser logs as a failed resource on every visit to a new deployment.
    const reference = await api.get<{ n: number }>('/monitoring/performance', { model, version: version || undefined, to: window.from, bootstrap: '0' })
    if (reference.n < MIN_REFERENCE) return null
    return api.get<EstimatedReport>('/monitoring/estimated-performance', { model, version: version || undefined, from: window.from, to: window.to })
  }, [model, version, window])
  const r = est.data ?? undefined
  const noReference = est.data === null || (est.error instanceof ApiError && est.error.code === 'monitoring.reference_too_small')
  return (
    <section className="card" aria-labelledby="mon-est">
      <h2 id="mon-est">Estimated performance</h2>
      {est.loading && !r ? (
        <Loading label="Estimating performance…" />
      ) : noReference ? (
        <p className="state empty">
          No estimate yet: it is calibrated on predictions of this version with known outcomes from before the window, and there are too few.
        </p>
      ) : est.error ? (
        <ErrorState error={est.error} />
      ) : !r ? null : (
        <>
          <dl className="mon-stats">
            <div>
              <dt>Estimated AUROC</dt>
              <dd>{fmtCell(r.overall.estimated?.auroc)}</dd>
            </div>
            <div>
              <dt>Realised AUROC</dt>
              <dd>
                {fmtCell(r.overall.realised?.auroc)}{' '}
                <span className="muted">
                  ({r.overall.realised?.labelled ?? 0} of {r.overall.n} with outcomes)
                </span>
              </dd>
            </div>
            <div>
              <dt>Estimated PPV at {r.threshold}</dt>
              <dd>{fmtCell(r.overall.estimated?.ppv)}</dd>
            </div>
          </dl>
          <EstimatedChart r={r} />
        </>
      )}
    </section>
  )
}

function EstimatedChart({ r }: { r: EstimatedReport }) {
  const mid = r.chunks.map((c) => (Date.parse(c.from) + Date.parse(c.to)) / 2 / 86_400_000)
  const series = (pick: (c: EstimatedReport['chunks'][number]) => number | null | undefined) =>
    r.chunks.map((c, i) => [mid[i]!, pick(c) ?? Number.NaN] as [number, number])
  return (
    <LineChart
      label={`Estimated and realised AUROC of ${r.model} ${r.version} per period`}
      xLabel="Period"
      yLabel="AUROC"
      y={[0.5, 1]}
      xTicks={r.chunks.map((c, i) => ({ value: mid[i]!, text: day(c.from) }))}
      series={[
        { name: 'Estimated (from scores)', points: series((c) => c.estimated?.auroc), color: CHART_COLORS[0]!, dots: true },
        { name: 'Realised (outcomes so far)', points: series((c) => c.realised?.auroc), color: CHART_COLORS[1]!, dots: true, dashed: true },
      ]}
      caption={
        <>
          Calibrated on {r.reference.n} earlier predictions with outcomes ({r.reference.calibrated ? 'isotonic' : 'scores as they are'}). The estimate assumes
          the link between score and outcome has not changed since; a gap to the realised AUROC, once outcomes are in, says it has.
        </>
      }
      table={{
        caption: 'Estimated and realised AUROC per period',
        columns: ['From', 'To', 'Predictions', 'Estimated AUROC', 'Realised AUROC', 'With outcomes'],
        rows: r.chunks.map((c) => [
          day(c.from),
          day(c.to),
          c.n,
          c.estimated?.auroc ?? null,
          c.realised?.auroc ?? null,
          `${c.realised?.labelled ?? 0}${c.horizonPassed ? '' : ' (horizon open)'}`,
        ]),
      }}
    />
  )
}
