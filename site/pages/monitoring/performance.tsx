import { api } from '../../api/client.ts'
import { CHART_COLORS, LineChart } from '../../ui/chart.tsx'
import { fmtCell, TableWrap } from '../../ui/table.tsx'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import type { Interval, PerformanceReport, Window } from './types.ts'

const ci = (i: Interval | null) =>
  i?.estimate === null || i?.estimate === undefined
    ? '—'
    : `${fmtCell(i.estimate)}${i.lower !== null && i.upper !== null ? ` (95 % CI ${fmtCell(i.lower)}–${fmtCell(i.upper)})` : ''}`

/** Wilson score interval (95 %) for an observed fraction: the calibration plot's per-bin CI. */
export function wilson(p: number, n: number, z = 1.959964): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN]
  const d = 1 + (z * z) / n
  const centre = (p + (z * z) / (2 * n)) / d
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

/** How to get outcomes in: shown while a window has none, so the page says what to do next. */
export function OutcomesHelp({ model, pending }: { model: string; pending: number }) {
  return (
    <div className="state empty mon-help">
      <p>
        <strong>No outcomes yet.</strong>{' '}
        {pending > 0 ? `${pending} logged prediction${pending === 1 ? ' is' : 's are'} waiting for an outcome. ` : 'No predictions are logged in this window. '}
        Performance, calibration and fairness need known outcomes; drift, alerts and adverse events below work without them.
      </p>
      <p>
        Post outcomes to <code>POST /monitoring/outcomes</code> (scope <code>nexora/monitor</code>), by the prediction id from the <code>/predict</code>{' '}
        response (<code>&lt;requestId&gt;#&lt;row&gt;</code>) or by patient within the horizon:
      </p>
      <pre tabIndex={0}>{`{ "outcomes": [ { "model": "${model}", "predictionId": "<requestId>#0", "value": 1 } ] }`}</pre>
      <p>
        Or configure FHIR outcome rules (<code>outcomeRules</code>, docs/monitoring.md) and run <code>POST /monitoring/outcomes/pull</code>.
      </p>
    </div>
  )
}

/** Discrimination and calibration with CIs: summary, ROC and calibration plots, threshold metrics. */
export function PerformanceSection({ model, version, window }: { model: string; version: string; window: Window }) {
  const perf = useApi(
    () => api.get<PerformanceReport>('/monitoring/performance', { model, version, from: window.from, to: window.to, bootstrap: 500 }),
    [model, version, window],
  )
  const r = perf.data
  return (
    <section className="card" aria-labelledby="mon-perf">
      <h2 id="mon-perf">Performance</h2>
      {perf.loading && !r ? (
        <Loading label="Loading performance…" />
      ) : perf.error ? (
        <ErrorState error={perf.error} />
      ) : !r ? null : r.n === 0 ? (
        <OutcomesHelp model={model} pending={r.pending} />
      ) : (
        <>
          <dl className="mon-stats">
            <div>
              <dt>With outcomes</dt>
              <dd>
                {r.n} <span className="muted">({r.pending} pending)</span>
              </dd>
            </div>
            <div>
              <dt>Prevalence</dt>
              <dd>{fmtCell(r.prevalence)}</dd>
            </div>
            <div>
              <dt>AUROC</dt>
              <dd>{ci(r.auroc)}</dd>
            </div>
            <div>
              <dt>AUPRC</dt>
              <dd>{ci(r.auprc)}</dd>
            </div>
            <div>
              <dt>Brier</dt>
              <dd>{ci(r.brier)}</dd>
            </div>
            <div>
              <dt>ECE</dt>
              <dd>{fmtCell(r.ece)}</dd>
            </div>
          </dl>
          <div className="grid mon-charts">
            <RocChart r={r} />
            <CalibrationChart r={r} />
          </div>
          {r.atThreshold ? <ThresholdTable r={r} /> : null}
        </>
      )}
    </section>
  )
}

function RocChart({ r }: { r: PerformanceReport }) {
  if (!r.roc)
    return (
      <p className="state empty">
        The ROC curve needs outcomes of both classes (this window has {r.positives} positive of {r.n}).
      </p>
    )
  const pts = r.roc.fpr.map((f, i) => [f ?? Number.NaN, r.roc!.tpr[i] ?? Number.NaN] as [number, number])
  return (
    <LineChart
      label={`ROC curve, AUROC ${ci(r.auroc)}`}
      xLabel="False positive rate (1 − specificity)"
      yLabel="True positive rate"
      x={[0, 1]}
      y={[0, 1]}
      series={[
        { name: `ROC (AUROC ${ci(r.auroc)})`, points: pts, color: CHART_COLORS[0]! },
        {
          name: 'Chance',
          points: [
            [0, 0],
            [1, 1],
          ],
          color: CHART_COLORS[5]!,
          dashed: true,
        },
      ]}
      caption={<>{r.n} predictions with outcomes. The AUROC interval is a seeded percentile bootstrap (500 resamples).</>}
      table={{
        caption: 'ROC curve points',
        columns: ['Threshold', 'False positive rate', 'True positive rate'],
        rows: r.roc.fpr.map((f, i) => [r.roc!.thresholds[i] ?? null, f, r.roc!.tpr[i] ?? null]),
      }}
    />
  )
}

function CalibrationChart({ r }: { r: PerformanceReport }) {
  const c = r.calibration
  if (!c || c.probPred.length === 0) return <p className="state empty">No calibration bins in this window.</p>
  const bands = c.probPred.map((x, i) => [x, ...wilson(c.probTrue[i]!, c.binCounts[i]!)] as [number, number, number])
  return (
    <LineChart
      label={
        `Calibration curve: observed against predicted risk in ${c.probPred.length} bins, with 95 % Wilson intervals; slope ${fmtCell(c.slope)}, ` +
        `intercept ${fmtCell(c.intercept)}`
      }
      xLabel="Mean predicted risk"
      yLabel="Observed fraction"
      x={[0, 1]}
      y={[0, 1]}
      series={[
        { name: 'Observed', points: c.probPred.map((x, i) => [x, c.probTrue[i]!]), color: CHART_COLORS[1]!, dots: true, band: bands },
        {
          name: 'Perfect calibration',
          points: [
            [0, 0],
            [1, 1],
          ],
          color: CHART_COLORS[5]!,
          dashed: true,
        },
      ]}
      caption={
        <>
          Calibration slope {fmtCell(c.slope)}, intercept {fmtCell(c.intercept)}; ECE {fmtCell(r.ece)}.
        </>
      }
      table={{
        caption: 'Calibration bins',
        columns: ['Mean predicted', 'Observed', '95 % CI', 'Predictions'],
        rows: c.probPred.map((x, i) => [x, c.probTrue[i]!, `${fmtCell(bands[i]![1])}–${fmtCell(bands[i]![2])}`, c.binCounts[i]!]),
      }}
    />
  )
}

function ThresholdTable({ r }: { r: PerformanceReport }) {
  const t = r.atThreshold!
  const rows: [string, string][] = [
    ['Sensitivity', 'sensitivity'],
    ['Specificity', 'specificity'],
    ['PPV', 'ppv'],
    ['NPV', 'npv'],
    ['F1', 'f1'],
    ['Accuracy', 'accuracy'],
  ]
  return (
    <TableWrap label="Metrics at the threshold">
      <table className="mon-threshold">
        <caption>
          At the threshold {r.threshold}: TP {t.tp}, FP {t.fp}, TN {t.tn}, FN {t.fn}
        </caption>
        <thead>
          <tr>
            {rows.map(([label]) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {rows.map(([label, key]) => (
              <td key={label}>{fmtCell(t[key])}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </TableWrap>
  )
}
