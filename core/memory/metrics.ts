import type { Counter, Gauge, Histogram, Labels, MetricsRegistry } from '../ports/runtime.ts'

const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const labelKey = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k]!)}"`)
    .join(',')
const series = (name: string, key: string) => (key ? `${name}{${key}}` : name)

/**
 * The MetricsRegistry: counters, gauges and histograms in memory, exposed in the
 * Prometheus text format. Asking twice for the same name returns the same metric.
 * @example
 * const m = createMetricsRegistry(); m.counter('x_total', 'X').inc({ route: '/predict' }); m.expose()
 */
export function createMetricsRegistry(): MetricsRegistry {
  const families = new Map<string, { type: string; help: string; render: () => string[]; metric: unknown }>()

  function family<T>(name: string, type: string, help: string, make: () => { metric: T; render: () => string[] }): T {
    const existing = families.get(name)
    if (existing) return existing.metric as T
    const made = make()
    families.set(name, { type, help, ...made })
    return made.metric
  }

  return {
    counter(name, help) {
      return family<Counter>(name, 'counter', help, () => {
        const values = new Map<string, number>()
        return {
          metric: {
            inc: (labels = {}, value = 1) => {
              const k = labelKey(labels)
              values.set(k, (values.get(k) ?? 0) + value)
            },
          },
          render: () => [...values].map(([k, v]) => `${series(name, k)} ${v}`),
        }
      })
    },
    gauge(name, help) {
      return family<Gauge>(name, 'gauge', help, () => {
        const values = new Map<string, number>()
        return {
          metric: {
            set: (labels, value) => {
              values.set(labelKey(labels), value)
            },
          },
          render: () => [...values].map(([k, v]) => `${series(name, k)} ${v}`),
        }
      })
    },
    histogram(name, help, buckets = DEFAULT_BUCKETS) {
      return family<Histogram>(name, 'histogram', help, () => {
        const values = new Map<string, { counts: number[]; sum: number; count: number }>()
        return {
          metric: {
            observe(labels, value) {
              const k = labelKey(labels)
              const h = values.get(k) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 }
              buckets.forEach((b, i) => {
                if (value <= b) h.counts[i]! += 1
              })
              h.sum += value
              h.count += 1
              values.set(k, h)
            },
          },
          render: () =>
            [...values].flatMap(([k, h]) => {
              const sep = k ? ',' : ''
              return [
                ...buckets.map((b, i) => `${name}_bucket{${k}${sep}le="${b}"} ${h.counts[i]}`),
                `${name}_bucket{${k}${sep}le="+Inf"} ${h.count}`,
                `${series(`${name}_sum`, k)} ${h.sum}`,
                `${series(`${name}_count`, k)} ${h.count}`,
              ]
            }),
        }
      })
    },
    expose() {
      return [...families].map(([name, f]) => [`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`, ...f.render()].join('\n')).join('\n') + '\n'
    },
  }
}
