import type { ShadowEvent, PredictionObserver } from '../ports/monitoring.ts'
import type { Logger, MetricsRegistry } from '../ports/runtime.ts'
import type { Row } from '../ports/values.ts'
import type { ModelRegistry } from '../registry/registry.ts'
import { scoreRows } from './score-rows.ts'

export interface ShadowJob {
  ts: string
  requestId: string
  model: string
  versions: string[]
  rows: Row[]
  served: ShadowEvent['served']
}

/**
 * Scores shadow versions after the answer has left: one request at a time, in the background, so
 * a slow or failing challenger never delays or fails what the champion answered. Its scores go
 * only to observers that log them (`observeShadow`): never to the caller, a card or a write-back.
 * A full queue drops (and counts) rather than growing without bound.
 */
export function shadowRunner(o: {
  registry: ModelRegistry
  observers: () => PredictionObserver[]
  logger: Logger
  metrics: MetricsRegistry
  maxQueue?: number
}) {
  const queue: ShadowJob[] = []
  let running: Promise<void> | undefined
  const outcomes = o.metrics.counter('nexora_shadow_predictions_total', 'Shadow scorings, per model, version and outcome (ok, failed, dropped)')

  async function run(job: ShadowJob) {
    for (const version of job.versions) {
      try {
        const stored = await o.registry.resolve(job.model, { version })
        const predictions = await scoreRows(o.registry, stored, job.rows, { maxContributions: 0 })
        const event: ShadowEvent = { ts: job.ts, requestId: job.requestId, model: job.model, version, rows: job.rows, predictions, served: job.served }
        for (const observer of o.observers()) {
          try {
            observer.observeShadow?.(event)
          } catch {
            o.logger.error('observer.failed', { code: observer.name })
          }
        }
        outcomes.inc({ model: job.model, version, outcome: 'ok' }, job.rows.length)
      } catch (error) {
        outcomes.inc({ model: job.model, version, outcome: 'failed' }, job.rows.length)
        o.logger.warn('shadow.failed', { code: (error as { code?: string }).code ?? 'internal' })
      }
    }
  }

  async function pump() {
    while (queue.length > 0) await run(queue.shift()!)
    running = undefined
  }

  return {
    enqueue(job: ShadowJob) {
      if (queue.length >= (o.maxQueue ?? 1000)) {
        for (const version of job.versions) outcomes.inc({ model: job.model, version, outcome: 'dropped' }, job.rows.length)
        return
      }
      queue.push(job)
      // A macrotask later: the caller's answer is on its way before any shadow work starts.
      running ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(pump)
    },
    /** Wait for queued shadow work (close, tests). */
    async drain() {
      while (running) await running
    },
  }
}

export type ShadowRunner = ReturnType<typeof shadowRunner>
