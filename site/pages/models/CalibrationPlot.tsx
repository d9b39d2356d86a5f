import { CHART_COLORS, Plot } from '../../ui/chart.tsx'
import type { Calibration } from './calibration.ts'

const pct = (v: number) => `${(v * 100).toFixed(1)} %`
const clamp = (v: number) => Math.min(1, Math.max(0, v))

/**
 * A reliability diagram drawn by uPlot (site/ui/chart.tsx): the ideal diagonal and the binned
 * curve, an aria-label with a text summary for screen readers, and the numbers in a table underneath.
 */
export function CalibrationPlot({ calibration }: { calibration: Calibration }) {
  const { points } = calibration
  const worst = points.reduce((m, p) => Math.max(m, Math.abs(p.predicted - p.observed)), 0)
  const summary = `${points.length} bins; the largest gap between predicted and observed risk is ${(worst * 100).toFixed(1)} percentage points.`
  return (
    <figure className="calibration">
      <Plot
        className="calibration-plot"
        label={`Calibration plot: ${summary}`}
        xLabel="Mean predicted risk"
        yLabel="Observed rate"
        x={[0, 1]}
        y={[0, 1]}
        aspect={1}
        minH={200}
        maxH={340}
        series={[
          {
            name: 'Perfectly calibrated',
            points: [
              [0, 0],
              [1, 1],
            ],
            color: CHART_COLORS[5]!,
            dashed: true,
          },
          { name: 'Observed', points: points.map((p) => [clamp(p.predicted), clamp(p.observed)]), color: CHART_COLORS[0]!, dots: true },
        ]}
      />
      <figcaption>
        {calibration.source}. Points on the dashed diagonal are perfectly calibrated.
        {calibration.slope != null && Number.isFinite(calibration.slope)
          ? ` Calibration slope ${calibration.slope.toFixed(2)}, intercept ${(calibration.intercept ?? 0).toFixed(2)}.`
          : ''}
      </figcaption>
      <details>
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Bin</th>
                <th scope="col">Mean predicted</th>
                <th scope="col">Observed</th>
                {points.some((p) => p.count !== undefined) ? <th scope="col">n</th> : null}
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.label}>
                  <th scope="row">{p.label}</th>
                  <td>{pct(p.predicted)}</td>
                  <td>{pct(p.observed)}</td>
                  {points.some((q) => q.count !== undefined) ? <td>{p.count ?? '—'}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}
