/**
 * Where a metric was measured, in its name (issue 20 item 8): `heldout_auroc` on rows the model
 * never saw (a hold-out or cross-validation folds), `insample_auroc` on its own training rows,
 * which flatters it. A bare `auroc` says neither; manifests, the CLI and the UI use the tags, and
 * only held-out figures may stand for a model's performance (e.g. in its source attributes).
 */
export type MetricTag = 'heldout' | 'insample'

/**
 * `{ auroc: 0.74 }` → `{ insample_auroc: 0.74 }`.
 * @example
 * manifest.metrics = tagMetrics('insample', await model.evaluate(trainingRows))
 */
export function tagMetrics(tag: MetricTag, metrics: Record<string, number> | null | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics ?? {}).map(([k, v]) => [`${tag}_${k}`, v]))
}

/**
 * The metrics with that tag, the tag taken off: `pickMetrics('heldout', manifest.metrics).auroc`.
 * @example
 * pickMetrics('heldout', { heldout_auroc: 0.73, insample_auroc: 0.75 }) // { auroc: 0.73 }
 */
export function pickMetrics(tag: MetricTag, metrics: Record<string, number> | null | undefined): Record<string, number> {
  const prefix = `${tag}_`
  return Object.fromEntries(Object.entries(metrics ?? {}).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])))
}
