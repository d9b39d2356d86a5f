import { describe, expect, it } from 'vitest'
import { summariseFolds, trainHonestly, type SplitPlan } from '../../bin/honest-metrics.ts'
import type { Dataset, LoadedModel, ModelArtifact } from '../../core/index.ts'

// 50 rows with ids in the features, a fifth of them positive: the fake model remembers which ids it trained on.
const dataset: Dataset = {
  rows: Array.from({ length: 50 }, (_, i) => ({ features: { id: i } })),
  labels: Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0)),
}
const idsOf = (d: Dataset) => d.rows.map((r) => r.features.id as number)

/** A fake plugin: its artifact lists the ids it trained on; evaluate reports how many scored rows it had seen. */
function fake() {
  const runs: { run: string; ids: number[] }[] = []
  const train = async (data: Dataset, run: string): Promise<ModelArtifact> => {
    runs.push({ run, ids: idsOf(data) })
    const manifest = { name: 'm', version: '1.0.0', kind: 'fake', inputs: [], outputs: [], training: { rows: data.rows.length }, metrics: { auroc: 0.99 } }
    return { manifest, files: { ids: new TextEncoder().encode(JSON.stringify(idsOf(data))) } }
  }
  const load = async (a: ModelArtifact) => {
    const seen = new Set(JSON.parse(new TextDecoder().decode(a.files.ids)) as number[])
    return {
      evaluate: async (d: Dataset) => ({ seen: idsOf(d).filter((id) => seen.has(id)).length, positives: d.labels.filter((y) => y === 1).length }),
    } as unknown as LoadedModel
  }
  return { runs, train, load }
}

describe('trainHonestly', () => {
  it('hold-out: the registered model never saw the held-out rows; in-sample is scored on its own rows', async () => {
    const f = fake()
    const plan: SplitPlan = { method: 'stratified-holdout', fraction: 0.2, seed: 4 }
    const r = await trainHonestly({ dataset, plan, train: f.train, load: f.load })
    expect(f.runs.map((x) => x.run)).toEqual(['hold-out'])
    expect(r.heldout).toEqual({ seen: 0, positives: 2, n: 10 })
    expect(r.insample).toEqual({ seen: 40, positives: 8, n: 40 })
    expect(r.split).toMatchObject({ method: 'stratified-holdout', seed: 4, fraction: 0.2, trainRows: 40, testRows: 10, trainPositives: 8, testPositives: 2 })
    expect(r.artifact.manifest.training).toMatchObject({ rows: 40, split: r.split })
    // The plugin's own bare figure was measured on its training rows: kept, as in-sample.
    expect(r.artifact.manifest.metrics).toEqual({
      insample_auroc: 0.99,
      insample_seen: 40,
      insample_positives: 8,
      insample_n: 40,
      heldout_seen: 0,
      heldout_positives: 2,
      heldout_n: 10,
    })
  })

  it('k-fold: each fold model is scored on rows it never saw, every row once; the registered model trains on all rows', async () => {
    const f = fake()
    const r = await trainHonestly({ dataset, plan: { method: 'kfold', folds: 5, seed: 2 }, train: f.train, load: f.load })
    expect(f.runs.map((x) => x.run)).toEqual(['fold 1/5', 'fold 2/5', 'fold 3/5', 'fold 4/5', 'fold 5/5', 'final model, all rows'])
    expect(f.runs.at(-1)!.ids).toHaveLength(50)
    const held = f.runs.slice(0, 5).map((x) => dataset.rows.map((_, i) => i).filter((id) => !x.ids.includes(id)))
    expect(held.flat().sort((a, b) => a - b)).toEqual(dataset.rows.map((_, i) => i))
    expect(r.heldout).toMatchObject({ seen: 0, seen_sd: 0, positives: 2, positives_sd: 0, n: 50 })
    expect(r.insample).toEqual({ seen: 50, positives: 10, n: 50 })
    expect(r.artifact.manifest.training).toMatchObject({ rows: 50, split: { method: 'kfold', folds: 5, seed: 2 } })
  })

  it('opted out: no held-out figures at all, the in-sample ones labelled so', async () => {
    const f = fake()
    const r = await trainHonestly({ dataset, plan: { method: 'none', seed: 1 }, train: f.train, load: f.load })
    expect(r.heldout).toBeNull()
    expect(r.split).toEqual({ method: 'none', stratifiedOn: 'label', trainRows: 50, trainPositives: 10, finalModel: 'all rows (none held out)' })
    expect(Object.keys(r.artifact.manifest.metrics!).every((k) => k.startsWith('insample_'))).toBe(true)
  })

  it('survival: stratifies on the event indicator and carries the times into each side', async () => {
    const f = fake()
    const times = dataset.rows.map((_, i) => 10 + i)
    let testTimes: number[] | undefined
    const load = async (a: ModelArtifact) => {
      const model = await f.load(a)
      return { evaluate: async (d: Dataset) => ((testTimes ??= d.times), model.evaluate(d)) } as LoadedModel
    }
    const r = await trainHonestly({ dataset: { ...dataset, times }, plan: { method: 'stratified-holdout', fraction: 0.2, seed: 1 }, train: f.train, load })
    expect(r.split.stratifiedOn).toBe('event')
    const heldIds = dataset.rows.map((_, i) => i).filter((id) => !f.runs[0]!.ids.includes(id))
    expect(testTimes).toEqual(heldIds.map((id) => 10 + id))
  })
})

describe('summariseFolds', () => {
  it("gives each metric's mean and population SD over the folds (numpy's mean and std), and adds up n", () => {
    // numpy: np.mean([0.7, 0.8, 0.75]) = 0.75, np.std([0.7, 0.8, 0.75]) = 0.04082482904638634
    const s = summariseFolds([
      { auroc: 0.7, n: 10 },
      { auroc: 0.8, n: 10 },
      { auroc: 0.75, n: 11, extra: 1 },
    ])
    expect(s.auroc).toBeCloseTo(0.75, 15)
    expect(s.auroc_sd).toBeCloseTo(0.04082482904638634, 15)
    expect(s.n).toBe(31)
    expect('extra' in s).toBe(false)
  })
})
