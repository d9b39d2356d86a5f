import { useId, type ReactNode } from 'react'

/**
 * A small accessible SVG line chart (no chart library in the page chunks that use it): the plot is
 * an `img` with an aria-label, the legend is text, and every chart has a data-table fallback in a
 * <details> so screen readers and keyboards get the numbers. It scales with its container (viewBox),
 * so it works at 360 px.
 */
export interface ChartSeries {
  name: string
  points: [number, number][]
  color: string
  dashed?: boolean
  /** Draw points as dots (calibration bins) rather than only a line. */
  dots?: boolean
  /** A shaded interval around the series: [x, lower, upper]. */
  band?: [number, number, number][]
}

export interface ChartMarker { x: number; label: string; color?: string }

export interface ChartTable { caption: string; columns: string[]; rows: (string | number | null)[][] }

export interface LineChartProps {
  label: string
  series: ChartSeries[]
  xLabel: string
  yLabel: string
  x?: [number, number]
  y?: [number, number]
  /** Tick positions with text (e.g. window names); default 5 evenly spaced numeric ticks. */
  xTicks?: { value: number; text: string }[]
  markers?: ChartMarker[]
  table: ChartTable
  caption?: ReactNode
}

/** Palette for series: each at least 3:1 against white (WCAG 1.4.11 non-text contrast). */
export const CHART_COLORS = ['#0b4f6c', '#a4161a', '#1e6b35', '#8a4b00', '#5a3e8a', '#4a5560', '#006d77', '#9c1f6e']

const W = 400
const H = 280
const M = { l: 46, r: 12, t: 12, b: 42 }

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Number(v.toFixed(2)).toString())
const ticks = ([a, b]: [number, number], n = 5) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1))

function extent(values: number[], fallback: [number, number]): [number, number] {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return fallback
  let lo = Math.min(...finite)
  let hi = Math.max(...finite)
  if (lo === hi) { lo -= 0.5; hi += 0.5 }
  return [lo, hi]
}

export function LineChart(p: LineChartProps) {
  const id = useId()
  const xs = p.series.flatMap((s) => s.points.map((q) => q[0]))
  const ys = p.series.flatMap((s) => [...s.points.map((q) => q[1]), ...(s.band ?? []).flatMap((b) => [b[1], b[2]])])
  const xd = p.x ?? extent(xs, [0, 1])
  const yd = p.y ?? extent(ys, [0, 1])
  const sx = (v: number) => M.l + ((v - xd[0]) / (xd[1] - xd[0] || 1)) * (W - M.l - M.r)
  const sy = (v: number) => H - M.b - ((v - yd[0]) / (yd[1] - yd[0] || 1)) * (H - M.t - M.b)
  const path = (pts: [number, number][]) => pts.filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1])).map((q, i) => `${i ? 'L' : 'M'}${sx(q[0]).toFixed(1)},${sy(q[1]).toFixed(1)}`).join('')
  const xt = p.xTicks ?? ticks(xd).map((v) => ({ value: v, text: fmt(v) }))
  return <figure className="chart" aria-labelledby={`${id}-cap`}>
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={p.label} preserveAspectRatio="xMidYMid meet">
      <g className="chart-grid" aria-hidden="true">
        {ticks(yd).map((v) => <g key={`y${v}`}><line x1={M.l} x2={W - M.r} y1={sy(v)} y2={sy(v)} /><text x={M.l - 6} y={sy(v) + 4} textAnchor="end">{fmt(v)}</text></g>)}
        {xt.map((t) => <g key={`x${t.value}`}><line x1={sx(t.value)} x2={sx(t.value)} y1={M.t} y2={H - M.b} /><text x={sx(t.value)} y={H - M.b + 16} textAnchor="middle">{t.text}</text></g>)}
        <text x={(M.l + W - M.r) / 2} y={H - 6} textAnchor="middle" className="chart-axis">{p.xLabel}</text>
        <text transform={`translate(12 ${(M.t + H - M.b) / 2}) rotate(-90)`} textAnchor="middle" className="chart-axis">{p.yLabel}</text>
      </g>
      <g aria-hidden="true">
        {p.series.map((s) => s.band && s.band.length > 0 ? <path key={`b-${s.name}`} d={`${path(s.band.map((b) => [b[0], b[2]]))}${path([...s.band].reverse().map((b) => [b[0], b[1]])).replace(/^M/, 'L')}Z`} fill={s.color} opacity={0.15} /> : null)}
        {p.series.map((s) => <path key={`l-${s.name}`} d={path(s.points)} fill="none" stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '5 4' : undefined} />)}
        {p.series.map((s) => s.dots ? s.points.filter((q) => Number.isFinite(q[1])).map((q, i) => <circle key={`d-${s.name}-${i}`} cx={sx(q[0])} cy={sy(q[1])} r={3.5} fill={s.color} />) : null)}
        {(p.markers ?? []).map((m, i) => <g key={`m${i}`}><line x1={sx(m.x)} x2={sx(m.x)} y1={M.t} y2={H - M.b} stroke={m.color ?? '#a4161a'} strokeWidth={2} strokeDasharray="2 3" /><text x={sx(m.x) + 3} y={M.t + 10 + 12 * (i % 3)} className="chart-marker" fill={m.color ?? '#a4161a'}>{m.label}</text></g>)}
      </g>
    </svg>
    <figcaption id={`${id}-cap`}>
      <ul className="chart-legend">
        {p.series.map((s) => <li key={s.name}><span className="swatch" style={{ borderColor: s.color, borderStyle: s.dashed ? 'dashed' : 'solid' }} aria-hidden="true" />{s.name}{s.band ? ' (shaded: 95 % CI)' : ''}</li>)}
        {(p.markers ?? []).length > 0 ? <li><span className="swatch" style={{ borderColor: '#a4161a', borderStyle: 'dotted' }} aria-hidden="true" />Alert</li> : null}
      </ul>
      {p.caption ? <div className="chart-caption">{p.caption}</div> : null}
    </figcaption>
    <details className="chart-data">
      <summary>Data table: {p.table.caption}</summary>
      <TableWrap label={p.table.caption}>
        <table>
          <caption className="visually-hidden">{p.table.caption}</caption>
          <thead><tr>{p.table.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
          <tbody>{p.table.rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c === null ? '—' : typeof c === 'number' ? fmtCell(c) : c}</td>)}</tr>)}</tbody>
        </table>
      </TableWrap>
    </details>
  </figure>
}

export const fmtCell = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits))

/** A horizontally scrollable table container that keyboards can reach (axe: scrollable-region-focusable). */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>
}
