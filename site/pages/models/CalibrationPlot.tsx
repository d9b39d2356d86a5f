import { useId } from 'react'
import type { Calibration } from './calibration.ts'

const SIZE = 300
const PAD = { left: 44, right: 12, top: 12, bottom: 40 }
const W = SIZE - PAD.left - PAD.right
const H = SIZE - PAD.top - PAD.bottom
const x = (v: number) => PAD.left + Math.min(1, Math.max(0, v)) * W
const y = (v: number) => PAD.top + (1 - Math.min(1, Math.max(0, v))) * H
const pct = (v: number) => `${(v * 100).toFixed(1)} %`

/**
 * A reliability diagram as plain SVG (no chart library needed for a handful of points), with the
 * ideal diagonal, a text summary for screen readers, and the numbers in a table underneath.
 */
export function CalibrationPlot({ calibration }: { calibration: Calibration }) {
  const id = useId()
  const { points } = calibration
  const worst = points.reduce((m, p) => Math.max(m, Math.abs(p.predicted - p.observed)), 0)
  const summary = `${points.length} bins; the largest gap between predicted and observed risk is ${(worst * 100).toFixed(1)} percentage points.`
  const ticks = [0, 0.25, 0.5, 0.75, 1]
  return <figure className="calibration">
    <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="calibration-plot">
      <title id={`${id}-t`}>Calibration plot</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {ticks.map((t) => <g key={t}>
        <line x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} className="grid-line" />
        <line x1={x(t)} x2={x(t)} y1={y(0)} y2={y(1)} className="grid-line" />
        <text x={x(t)} y={y(0) + 16} textAnchor="middle" className="tick">{t}</text>
        <text x={x(0) - 6} y={y(t) + 4} textAnchor="end" className="tick">{t}</text>
      </g>)}
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="ideal" />
      <polyline points={points.map((p) => `${x(p.predicted)},${y(p.observed)}`).join(' ')} className="curve" />
      {points.map((p) => <circle key={p.label} cx={x(p.predicted)} cy={y(p.observed)} r={4.5} className="point" />)}
      <text x={PAD.left + W / 2} y={SIZE - 6} textAnchor="middle" className="axis">Mean predicted risk</text>
      <text x={14} y={PAD.top + H / 2} textAnchor="middle" className="axis" transform={`rotate(-90 14 ${PAD.top + H / 2})`}>Observed rate</text>
    </svg>
    <figcaption>
      {calibration.source}. Points on the dashed diagonal are perfectly calibrated.
      {calibration.slope != null && Number.isFinite(calibration.slope) ? ` Calibration slope ${calibration.slope.toFixed(2)}, intercept ${(calibration.intercept ?? 0).toFixed(2)}.` : ''}
    </figcaption>
    <details>
      <summary>Show the numbers</summary>
      <div className="table-wrap">
        <table>
          <thead><tr><th scope="col">Bin</th><th scope="col">Mean predicted</th><th scope="col">Observed</th>{points.some((p) => p.count !== undefined) ? <th scope="col">n</th> : null}</tr></thead>
          <tbody>{points.map((p) => <tr key={p.label}><th scope="row">{p.label}</th><td>{pct(p.predicted)}</td><td>{pct(p.observed)}</td>{points.some((q) => q.count !== undefined) ? <td>{p.count ?? '—'}</td> : null}</tr>)}</tbody>
        </table>
      </div>
    </details>
  </figure>
}
