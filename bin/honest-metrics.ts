import {
  stratifiedHoldout,
  stratifiedKFold,
  tagMetrics,
  type Dataset,
  type EvaluationMetrics,
  type LoadedModel,
  type ModelArtifact,
  type SplitIndices,
} from '../core/index.ts'
import { UsageError } from './args.ts'

/**
 * Honest training metrics for `nexora train` (issue 20 item 8): the model is scored on rows it
 * did not train on, and figures on its own training rows are kept apart and named in-sample.
 * Convention across the project: `heldout_*` metrics are held-out, `insample_*` in-sample, and
 * `training.split` records how the rows were divided.
 */

export type SplitPlan =
  | { method: 'stratified-holdout'; fraction: number; seed: number }
  | { method: 'kfold'; folds: number; seed: number }
  /** No rows held out (`--holdout 0`): the seed is training's only. */
  | { method: 'none'; seed: number }

interface Side {
  trainRows: number
  testRows: number
  trainPositives: number
  testPositives: number
}

/** `manifest.training.split`: how the rows were divided, and which rows the registered model saw. */
export type TrainingSplit = {
  method: SplitPlan['method']
  /** What the split kept in proportion: the 0/1 label, or the event indicator (survival). */
  stratifiedOn: 'label' | 'event'
  finalModel: string
} & (
  | ({ method: 'stratified-holdout'; seed: number; fraction: number } & Side)
  | { method: 'kfold'; seed: number; folds: number; perFold: (Side & { heldout: EvaluationMetrics })[] }
  | { method: 'none'; trainRows: number; trainPositives: number }
)

export interface HonestResult {
  artifact: ModelArtifact
  /** Held-out metrics (k-fold: the folds' mean, with `<metric>_sd` their spread); null when opted out. */
  heldout: EvaluationMetrics | null
  insample: EvaluationMetrics
  split: TrainingSplit
}

export interface HonestTraining {
  dataset: Dataset
  plan: SplitPlan
  /** Trains on the rows given; `run` names the run for progress ("fold 2/5", "final model"…). */
  train(data: Dataset, run: string): Promise<ModelArtifact>
  load(artifact: ModelArtifact): Promise<LoadedModel>
}

const subset = (d: Dataset, rows: number[]): Dataset => ({
  rows: rows.map((i) => d.rows[i]!),
  labels: rows.map((i) => d.labels[i]!),
  ...(d.times ? { times: rows.map((i) => d.times![i]!) } : {}),
})
const positives = (d: Dataset, rows: number[]) => rows.filter((i) => d.labels[i] === 1).length
const side = (d: Dataset, s: SplitIndices): Side => ({
  trainRows: s.train.length,
  testRows: s.test.length,
  trainPositives: positives(d, s.train),
  testPositives: positives(d, s.test),
})

/** Scores `data` with a trained artifact; `n` is always there (survival's evaluate leaves it out). */
async function score(load: HonestTraining['load'], artifact: ModelArtifact, data: Dataset): Promise<EvaluationMetrics> {
  const model = await load(artifact)
  try {
    // A non-finite value (NaN when a metric is undefined on these rows) cannot be stored in a manifest.
    const metrics = Object.entries(await model.evaluate(data)).filter(([, v]) => Number.isFinite(v))
    return { ...Object.fromEntries(metrics), n: data.labels.length }
  } finally {
    await model.dispose?.()
  }
}

/** The folds' mean of each metric every fold reports, and its spread `<metric>_sd` (population SD, as numpy's std); `n` adds up. */
export function summariseFolds(folds: EvaluationMetrics[]): EvaluationMetrics {
  const out: EvaluationMetrics = {}
  for (const key of Object.keys(folds[0] ?? {}).filter((k) => folds.every((f) => k in f))) {
    const values = folds.map((f) => f[key]!)
    const mean = values.reduce((s, v) => s + v, 0) / values.length
    if (key === 'n') {
      out.n = values.reduce((s, v) => s + v, 0)
      continue
    }
    out[key] = mean
    out[`${key}_sd`] = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length)
  }
  return out
}

/**
 * What a plugin measured while training, it measured on its training rows: kept, as in-sample.
 * (The shipped plugins already write `insample_*`; a bare `auroc` from another plugin becomes `insample_auroc`.)
 */
const asInSample = (metrics: Record<string, number> | undefined) =>
  Object.fromEntries(Object.entries(metrics ?? {}).map(([k, v]) => [k.startsWith('insample_') ? k : `insample_${k}`, v]))

function splitRows<T>(make: () => T, plan: string): T {
  try {
    return make()
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`${plan}: ${error.message} (fewer folds, a smaller --holdout, or --holdout 0 to opt out)`)
    throw error
  }
}

/**
 * Trains by the plan and returns the artifact to register, its metrics in the manifest
 * (`heldout_*`, `insample_*`) and `training.split`. Hold-out: the registered model is the one
 * trained on the training rows, the very model the held-out figures describe. k-fold: k models
 * are scored on their held-out folds, then the registered model is trained on every row.
 */
export async function trainHonestly(t: HonestTraining): Promise<HonestResult> {
  const { dataset: d, plan } = t
  const stratifiedOn = d.times ? 'event' : 'label'
  let result: HonestResult
  if (plan.method === 'stratified-holdout') {
    const s = splitRows(() => stratifiedHoldout(d.labels, plan), `--holdout ${plan.fraction}`)
    const [train, test] = [subset(d, s.train), subset(d, s.test)]
    const artifact = await t.train(train, 'hold-out')
    const split = { ...plan, stratifiedOn, ...side(d, s), finalModel: 'the training rows (the held-out rows never reached it)' } as const
    result = { artifact, heldout: await score(t.load, artifact, test), insample: await score(t.load, artifact, train), split }
  } else if (plan.method === 'kfold') {
    const folds = splitRows(() => stratifiedKFold(d.labels, plan), `--cv ${plan.folds}`)
    const perFold: (Side & { heldout: EvaluationMetrics })[] = []
    for (const [i, s] of folds.entries()) {
      const artifact = await t.train(subset(d, s.train), `fold ${i + 1}/${folds.length}`)
      perFold.push({ ...side(d, s), heldout: await score(t.load, artifact, subset(d, s.test)) })
    }
    const artifact = await t.train(d, 'final model, all rows')
    const finalModel = `all ${d.labels.length} rows, after cross-validation (held-out figures: the mean and SD over the ${plan.folds} fold models)`
    const split = { ...plan, stratifiedOn, perFold, finalModel } as const
    result = { artifact, heldout: summariseFolds(perFold.map((f) => f.heldout)), insample: await score(t.load, artifact, d), split }
  } else {
    const artifact = await t.train(d, 'all rows')
    const all = d.labels.map((_, i) => i)
    const split = { method: 'none', stratifiedOn, trainRows: all.length, trainPositives: positives(d, all), finalModel: 'all rows (none held out)' } as const
    result = { artifact, heldout: null, insample: await score(t.load, artifact, d), split }
  }
  const { manifest } = result.artifact
  const metrics = { ...asInSample(manifest.metrics), ...tagMetrics('insample', result.insample), ...tagMetrics('heldout', result.heldout) }
  const training = { ...manifest.training, split: result.split }
  return { ...result, artifact: { ...result.artifact, manifest: { ...manifest, metrics, training } } }
}
