import type { Aggregate } from './spec.ts'

export interface Point {
  /** ms since epoch */
  time: number
  value: number
}

const DAY = 86_400_000

/**
 * Reduce the qualifying points (already windowed, sorted by time) to one number. `slope` is the
 * least-squares slope per day; `time-since` the days from the latest event to the index time.
 * Nothing qualifying gives `null` (count and exists give 0).
 */
export function aggregate(kind: Aggregate, points: Point[], indexTime: number): number | null {
  if (kind === 'count') return points.length
  if (kind === 'exists') return points.length > 0 ? 1 : 0
  if (points.length === 0) return null
  const values = points.map((p) => p.value)
  switch (kind) {
    case 'latest':
      return points.at(-1)!.value
    case 'first':
      return points[0]!.value
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length
    case 'min':
      return Math.min(...values)
    case 'max':
      return Math.max(...values)
    case 'sum':
      return values.reduce((a, b) => a + b, 0)
    case 'time-since':
      return (indexTime - points.at(-1)!.time) / DAY
    case 'slope': {
      if (points.length < 2) return null
      const xs = points.map((p) => (p.time - points[0]!.time) / DAY)
      const mx = xs.reduce((a, b) => a + b, 0) / xs.length
      const my = values.reduce((a, b) => a + b, 0) / values.length
      let sxy = 0
      let sxx = 0
      xs.forEach((x, i) => {
        sxy += (x - mx) * (values[i]! - my)
        sxx += (x - mx) ** 2
      })
      return sxx === 0 ? null : sxy / sxx
    }
  }
}
