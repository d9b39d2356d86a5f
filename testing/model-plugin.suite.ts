import { describe, expect, it } from 'vitest'
import {
  createNexora,
  createRegistry,
  definePlugin,
  manualClock,
  memoryAuditSink,
  memoryModelStore,
  NexoraError,
  type Dataset,
  type ModelArtifact,
  type ModelPlugin,
  type Row,
  type TrainOptions,
} from '../core/index.ts'

export interface ModelPluginHarness {
  plugin: ModelPlugin
  /** Training data (small, so the suite stays fast) and a few rows to score. */
  train: Dataset
  score: Row[]
  options: TrainOptions
  /** Tolerances: batch vs single rows, and additivity of explanations. */
  tolerance?: { batch?: number; additivity?: number; expected?: number }
  /** The output in additivity units (default: the logit of the score). */
  output?: (score: number) => number
  /** Metrics `evaluate` must report. */
  metrics: string[]
  /** For plugins without `train` (models trained elsewhere, e.g. ONNX): the artifact to check. */
  artifact?: ModelArtifact
  /**
   * An artifact `load` must refuse with a NexoraError. Default: the artifact with every file's bytes
   * replaced by garbage; a plugin whose manifest is the whole artifact (model-remote) gives a broken manifest.
   */
  broken?: ModelArtifact
  /** False for a model that declares it cannot explain: `explain` must then refuse with a NexoraError, never invent contributions. Default true. */
  explains?: boolean
  /** The scores the `score` rows must get (e.g. from the model served directly), within `tolerance.expected` (default 1e-12). */
  expected?: number[]
}

const logit = (p: number) => Math.log(p / (1 - p))

/**
 * The contract every model plugin passes (linear, DeepFM, Transformer, Cox, and any custom one):
 * deterministic training under a seed, identical predictions after a round trip through the
 * registry, batch and single-row predictions that agree, coded errors for bad input and bad
 * artifacts, explanations that add up where the method promises it, and training metrics named
 * for what they are (in-sample).
 */
export function modelPluginConformance(label: string, harness: () => Promise<ModelPluginHarness>) {
  let h: ModelPluginHarness
  let artifact: ModelArtifact
  // Trained once and shared, so a plugin's own file can add checks without training again.
  const setup = async () => {
    h ??= await harness()
    artifact ??= h.artifact ?? (await h.plugin.train!(h.train, h.options))
    return { h, artifact }
  }
  describe(`ModelPlugin conformance: ${label}`, () => {
    it('trains deterministically under a seed (or, without train, brings its artifact)', { timeout: 300_000 }, async () => {
      const { h, artifact } = await setup()
      if (!h.plugin.train) {
        expect(h.artifact).toBe(artifact)
        return
      }
      const again = await h.plugin.train!(h.train, h.options)
      const [a, b] = [await h.plugin.load(artifact), await h.plugin.load(again)]
      const [pa, pb] = [await a.predict(h.score), await b.predict(h.score)]
      pa.forEach((p, i) => expect(p.score).toBe(pb[i]!.score))
      expect(Object.keys(again.files).sort()).toEqual(Object.keys(artifact.files).sort())
    })

    it('predicts identically after a round trip through the registry and its store', { timeout: 120_000 }, async () => {
      const { h, artifact } = await setup()
      const registry = createRegistry({ store: memoryModelStore(), plugins: () => [h.plugin], clock: manualClock(), resolveTtlMs: 0 })
      const stored = await registry.register(artifact.manifest, artifact.files)
      const [direct, viaRegistry] = [await h.plugin.load(artifact), await registry.load(stored)]
      const [pd, pr] = [await direct.predict(h.score), await viaRegistry.predict(h.score)]
      pd.forEach((p, i) => expect(pr[i]!.score).toBe(p.score))
      pd.forEach((p) => expect(Number.isFinite(p.score)).toBe(true))
    })

    it('gives a single row the same score as the same row in a batch', { timeout: 120_000 }, async () => {
      const { h, artifact } = await setup()
      const model = await h.plugin.load(artifact)
      const batch = await model.predict(h.score)
      for (const [i, row] of h.score.entries()) {
        const [single] = await model.predict([row])
        expect(Math.abs(single!.score - batch[i]!.score)).toBeLessThanOrEqual(h.tolerance?.batch ?? 1e-6)
      }
    })

    it('rejects bad input with coded errors, before the model sees it', { timeout: 120_000 }, async () => {
      const { h, artifact } = await setup()
      const nexora = await createNexora({
        plugins: [
          definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
          definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink() }),
          definePlugin({ name: 'model', provides: 'model', setup: () => h.plugin }),
        ],
      })
      await nexora.registry.register(artifact.manifest, artifact.files)
      const first = h.score[0]!
      const name = artifact.manifest.name
      const code = (rows: Row[]) =>
        nexora.predict({ model: name, rows }).then(
          () => 'ok',
          (e: NexoraError) => e.code,
        )
      expect(await code([{ ...first, features: { ...first.features, not_an_input: 1 } }])).toBe('features.unknown')
      const required = artifact.manifest.inputs.find((i) => i.required !== false)
      if (required) {
        const { [required.name]: _dropped, ...rest } = first.features
        expect(await code([{ ...first, features: rest }])).toBe('features.missing')
      }
      const numeric = artifact.manifest.inputs.find((i) => i.type === 'number')
      if (numeric) expect(await code([{ ...first, features: { ...first.features, [numeric.name]: Number.NaN } }])).toBe('features.invalid')
      expect(await code([])).toBe('batch.empty')
      const broken = h.broken ?? {
        ...artifact,
        files: Object.fromEntries(Object.keys(artifact.files).map((f) => [f, new TextEncoder().encode('{ not a model')])),
      }
      const error = await h.plugin.load(broken).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(NexoraError)
    })

    it('explains each row; contributions add up where the method promises it', { timeout: 300_000 }, async () => {
      const { h, artifact } = await setup()
      const model = await h.plugin.load(artifact)
      const description = model.describe()
      expect(description.explanationMethod.length).toBeGreaterThan(0)
      if (h.explains === false) {
        await expect(model.explain(h.score)).rejects.toBeInstanceOf(NexoraError)
        return
      }
      const [scores, explanations] = [await model.predict(h.score), await model.explain(h.score)]
      expect(explanations).toHaveLength(h.score.length)
      if (description.additivity && description.additivity !== 'none') {
        expect(typeof description.baseline).toBe('number')
        scores.forEach((p, i) => {
          const total = explanations[i]!.reduce((s, c) => s + c.contribution, 0)
          const output = (h.output ?? logit)(p.score)
          expect(Math.abs(total - (output - description.baseline!))).toBeLessThanOrEqual(h.tolerance?.additivity ?? 1e-6)
        })
      }
    })

    it('scores the rows as expected (a remote model: as the model served directly)', { timeout: 120_000 }, async () => {
      const { h, artifact } = await setup()
      if (!h.expected) return
      const scores = await (await h.plugin.load(artifact)).predict(h.score)
      expect(scores).toHaveLength(h.expected.length)
      scores.forEach((p, i) => expect(Math.abs(p.score - h.expected![i]!), `row ${i}`).toBeLessThanOrEqual(h.tolerance?.expected ?? 1e-12))
    })

    it('evaluates with its documented metrics', { timeout: 120_000 }, async () => {
      const { h, artifact } = await setup()
      const metrics = await (await h.plugin.load(artifact)).evaluate(h.train)
      for (const m of h.metrics) expect(Number.isFinite(metrics[m]), m).toBe(true)
    })

    it('labels any metric it records while training as in-sample (insample_*): it has seen only its training rows', async () => {
      const { h, artifact } = await setup()
      // A brought artifact was trained elsewhere and may carry held-out figures; `nexora train` adds heldout_* itself.
      if (h.artifact) return
      for (const key of Object.keys(artifact.manifest.metrics ?? {})) expect(key).toMatch(/^insample_/)
    })
  })
  return { setup }
}

/** The remote variant's harness: nothing to train, an artifact that is its manifest, the scores the served model gives directly. */
export interface RemoteModelPluginHarness extends Omit<ModelPluginHarness, 'train' | 'options' | 'artifact' | 'broken' | 'expected'> {
  /** The manifest (with its `remote` section) and no files, or whatever files the plugin reads. */
  artifact: ModelArtifact
  /** A manifest `load` must refuse (an endpoint off the allowlist, a malformed section). */
  broken: ModelArtifact
  /** Labelled rows for `evaluate`. */
  evaluate: Dataset
  /** What the model served directly scores for `score`. */
  expected: number[]
}

/**
 * The conformance suite for a plugin that fronts a model served elsewhere (model-remote): every
 * check above but training, plus scores equal to the directly served model's, and explanations
 * only where the manifest declares them (`explains`).
 * @example
 * remoteModelPluginConformance('remote over REST', async () => ({ plugin, artifact, broken, score, evaluate, expected, metrics: ['auroc'], explains: true }))
 */
export function remoteModelPluginConformance(label: string, harness: () => Promise<RemoteModelPluginHarness>) {
  return modelPluginConformance(label, async () => {
    const h = await harness()
    const m = h.artifact.manifest
    return { ...h, train: h.evaluate, options: { name: m.name, version: m.version, inputs: m.inputs } }
  })
}
