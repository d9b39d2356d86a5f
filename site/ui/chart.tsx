import { useEffect, useId, useMemo, useRef, type ReactNode } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { fmtCell, TableWrap } from './table.tsx'

/**
 * Line charts drawn by uPlot (a maintained charting library). Only page chunks import this module,
 * so uPlot's JS stays in a lazy chunk out of the shell; its CSS, imported here, is bundled by
 * esbuild into the shell's app/main.css (which index.html links), so no per-chunk <link> is needed. Accessibility: the canvas sits in a wrapper with
 * role="img" and an
 * aria-label, the legend is text, and every LineChart has a data-table fallback in a <details>.
 * The plot follows its container's width (ResizeObserver), so it works at 360 px; uPlot draws
 * without animation, and the cursor/legend overlays are off, so a render is deterministic.
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

export interface ChartMarker {
  x: number
  label: string
  color?: string
}

export interface ChartTable {
  caption: string
  columns: string[]
  rows: (string | number | null)[][]
}

/** What the plot itself needs (axes, series, markers): shared by LineChart and the models page's calibration plot. */
export interface PlotProps {
  label: string
  series: ChartSeries[]
  xLabel: string
  yLabel: string
  x?: [number, number]
  y?: [number, number]
  /** Tick positions with text (e.g. window names); default uPlot's numeric ticks. */
  xTicks?: { value: number; text: string }[]
  markers?: ChartMarker[]
}

export interface LineChartProps extends PlotProps {
  table: ChartTable
  caption?: ReactNode
}

/** Palette for series: each at least 3:1 against white (WCAG 1.4.11 non-text contrast). */
export const CHART_COLORS = ['#0b4f6c', '#a4161a', '#1e6b35', '#8a4b00', '#5a3e8a', '#4a5560', '#006d77', '#9c1f6e']

const MARKER_COLOR = '#a4161a'
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

/** `#rrggbb` at an opacity, for the CI bands. */
const alpha = (hex: string, a: number) => {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`
}

type Column = (number | null | undefined)[]

/**
 * uPlot wants one shared, sorted x column. Each series (and each CI bound) keeps its own rows, so a
 * ROC curve's repeated x values (vertical steps) survive; other columns are `undefined` on those
 * rows (uPlot draws straight across them), while a missing value (NaN) is `null`, a gap, widened
 * over the neighbouring `undefined` rows so the gap is the whole stretch between real points.
 */
function align(columns: [number, number][][]): uPlot.AlignedData {
  const rows = columns.flatMap((pts, c) => pts.filter((p) => Number.isFinite(p[0])).map((p, j) => ({ x: p[0], c, j, y: Number.isFinite(p[1]) ? p[1] : null })))
  rows.sort((a, b) => a.x - b.x || a.c - b.c || a.j - b.j)
  const xs = rows.map((r) => r.x)
  const ys: Column[] = columns.map(() => Array<number | null | undefined>(rows.length).fill(undefined))
  rows.forEach((r, i) => {
    ys[r.c]![i] = r.y
  })
  for (const col of ys) {
    for (let i = 0; i < col.length; i++) {
      if (col[i] !== null) continue
      for (let k = i - 1; k >= 0 && col[k] === undefined; k--) col[k] = null
      for (let k = i + 1; k < col.length && col[k] === undefined; k++) col[k] = null
    }
  }
  return [xs, ...ys] as uPlot.AlignedData
}

/** uPlot options and data for line series with optional CI bands, fixed or automatic ranges, named ticks and alert markers. */
export function plotConfig(p: PlotProps): { opts: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData } {
  const columns: [number, number][][] = []
  const series: uPlot.Series[] = [{}]
  const bands: uPlot.Band[] = []
  for (const s of p.series) {
    if (s.band && s.band.length > 0) {
      // Upper and lower bounds as invisible series, filled between (drawn first, under the line).
      columns.push(
        s.band.map((b) => [b[0], b[2]]),
        s.band.map((b) => [b[0], b[1]]),
      )
      const hi = series.length
      series.push(
        { label: `${s.name} upper`, stroke: 'rgba(0,0,0,0)', width: 0, points: { show: false } },
        { label: `${s.name} lower`, stroke: 'rgba(0,0,0,0)', width: 0, points: { show: false } },
      )
      bands.push({ series: [hi, hi + 1], fill: alpha(s.color, 0.15) })
    }
  }
  for (const s of p.series) {
    columns.push(s.points)
    series.push({
      label: s.name,
      stroke: s.color,
      width: 2,
      ...(s.dashed ? { dash: [5, 4] } : {}),
      spanGaps: false,
      points: { show: !!s.dots, size: 7, width: 1, fill: s.color, stroke: s.color },
    })
  }
  const ticks = p.xTicks
  const axis: uPlot.Axis = {
    stroke: '#4a5560',
    font: `11px ${FONT}`,
    labelFont: `12px ${FONT}`,
    labelSize: 20,
    grid: { stroke: '#dde3e8', width: 1 },
    ticks: { stroke: '#dde3e8', width: 1, size: 4 },
  }
  const markers = p.markers ?? []
  return {
    data: align(columns),
    opts: {
      series,
      bands,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      padding: [12, 12, 0, 0],
      scales: {
        x: { time: false, ...(p.x ? { range: [p.x[0], p.x[1]] as uPlot.Range.MinMax } : {}) },
        y: p.y ? { range: [p.y[0], p.y[1]] as uPlot.Range.MinMax } : {},
      },
      axes: [
        {
          ...axis,
          label: p.xLabel,
          ...(ticks
            ? { splits: () => ticks.map((t) => t.value), values: (_u: uPlot, vs: number[]) => vs.map((v) => ticks.find((t) => t.value === v)?.text ?? '') }
            : {}),
        },
        { ...axis, label: p.yLabel, size: 44 },
      ],
      hooks:
        markers.length === 0
          ? {}
          : {
              draw: [
                (u: uPlot) => {
                  // Alert markers: a dotted vertical line and its label at each marker's x.
                  const ctx = u.ctx
                  const r = uPlot.pxRatio
                  const { left, top, width, height } = u.bbox
                  ctx.save()
                  ctx.font = `${10 * r}px ${FONT}`
                  markers.forEach((m, i) => {
                    const x = Math.round(u.valToPos(m.x, 'x', true))
                    ctx.strokeStyle = ctx.fillStyle = m.color ?? MARKER_COLOR
                    ctx.lineWidth = 2 * r
                    ctx.setLineDash([2 * r, 3 * r])
                    ctx.beginPath()
                    ctx.moveTo(x, top)
                    ctx.lineTo(x, top + height)
                    ctx.stroke()
                    const right = x + 3 * r + ctx.measureText(m.label).width > left + width
                    ctx.textAlign = right ? 'right' : 'left'
                    ctx.fillText(m.label, right ? x - 3 * r : x + 3 * r, top + (10 + 12 * (i % 3)) * r)
                  })
                  ctx.restore()
                },
              ],
            },
    },
  }
}

/**
 * A uPlot canvas sized to its container: created in an effect, resized by a ResizeObserver, and
 * destroyed on unmount or when the plot changes. `aspect` is height / width, within [minH, maxH].
 */
export function Plot({
  className,
  aspect = 0.7,
  minH = 200,
  maxH = 320,
  ...p
}: PlotProps & { className?: string; aspect?: number; minH?: number; maxH?: number }) {
  const ref = useRef<HTMLDivElement>(null)
  const signature = JSON.stringify([p.series, p.xLabel, p.yLabel, p.x, p.y, p.xTicks, p.markers, aspect, minH, maxH])
  // biome-ignore lint/correctness/useExhaustiveDependencies: `signature` is the props' value, so a re-render with equal props keeps the plot
  const config = useMemo(() => plotConfig(p), [signature])
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const size = () => {
      const width = Math.max(120, Math.floor(el.clientWidth))
      return { width, height: Math.round(Math.min(maxH, Math.max(minH, width * aspect))) }
    }
    const u = new uPlot({ ...config.opts, ...size() }, config.data, el)
    let last = el.clientWidth
    const ro = new ResizeObserver(() => {
      if (el.clientWidth === last || el.clientWidth === 0) return
      last = el.clientWidth
      u.setSize(size())
    })
    ro.observe(el)
    return () => {
      ro.disconnect()
      u.destroy()
    }
  }, [config, aspect, minH, maxH])
  return <div ref={ref} className={`chart-plot${className ? ` ${className}` : ''}`} role="img" aria-label={p.label} />
}

export function LineChart({ table, caption, ...p }: LineChartProps) {
  const id = useId()
  return (
    <figure className="chart" aria-labelledby={`${id}-cap`}>
      <Plot {...p} />
      <figcaption id={`${id}-cap`}>
        <ul className="chart-legend">
          {p.series.map((s) => (
            <li key={s.name}>
              <span className="swatch" style={{ borderColor: s.color, borderStyle: s.dashed ? 'dashed' : 'solid' }} aria-hidden="true" />
              {s.name}
              {s.band ? ' (shaded: 95 % CI)' : ''}
            </li>
          ))}
          {(p.markers ?? []).length > 0 ? (
            <li>
              <span className="swatch" style={{ borderColor: MARKER_COLOR, borderStyle: 'dotted' }} aria-hidden="true" />
              Alert
            </li>
          ) : null}
        </ul>
        {caption ? <div className="chart-caption">{caption}</div> : null}
      </figcaption>
      <details className="chart-data">
        <summary>Data table: {table.caption}</summary>
        <TableWrap label={table.caption}>
          <table>
            <caption className="visually-hidden">{table.caption}</caption>
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((r, i) => (
                <tr key={i}>
                  {r.map((c, j) => (
                    <td key={j}>{c === null ? '—' : typeof c === 'number' ? fmtCell(c) : c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  )
}
