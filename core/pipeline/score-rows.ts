import type { Contribution, Prediction, Row } from '../ports/values.ts'
import type { StoredVersion } from '../ports/model-store.ts'
import type { ModelRegistry } from '../registry/registry.ts'
import { validateRows } from './validate-rows.ts'
import { withSpan } from '../tracing.ts'

function topContributions(contributions: Contribution[], max: number): Contribution[] {
  return [...contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, max)
}

/** Score rows with one stored version: load (cached), validate against its inputs, predict, explain, label. */
export async function scoreRows(
  registry: ModelRegistry,
  stored: StoredVersion,
  rows: Row[],
  o: { explain?: boolean; maxContributions: number },
): Promise<Prediction[]> {
  const model = await registry.load(stored)
  validateRows(rows, model.describe().inputs)
  const attributes = {
    'nexora.model': stored.name,
    'nexora.model_version': stored.version,
    'nexora.model_kind': stored.manifest.kind,
    'nexora.rows': rows.length,
  }
  const scores = await withSpan('model.predict', attributes, async () => model.predict(rows))
  const explanations = o.explain ? await withSpan('model.explain', attributes, async () => model.explain(rows)) : undefined
  const { threshold, labels = ['negative', 'positive'] } = stored.manifest
  return scores.map((p, i) => ({
    score: p.score,
    ...(threshold !== undefined ? { label: p.score >= threshold ? labels[1] : labels[0] } : {}),
    ...(explanations ? { explanation: topContributions(explanations[i]!, o.maxContributions) } : {}),
  }))
}
