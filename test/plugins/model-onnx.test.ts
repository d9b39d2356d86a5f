import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hashFiles } from '../../core/index.ts'
import { createOnnxModelPlugin, onnxModelPlugin, type ExecutionProvider } from '../../plugins/model-onnx/index.ts'
import { cohort, parityFixture, shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

const logit = (p: number) => Math.log(p / (1 - p))

describe('readmission-onnx against PyTorch', () => {
  it('scores the 20 fixture rows as PyTorch did, to 1e-5 in probability and logit', async () => {
    const fixture = parityFixture()
    const model = await onnxModelPlugin.load(shippedOnnxArtifact())
    const scores = (await model.predict(fixture.rows.map((features) => ({ features })))).map((p) => p.score)
    expect(scores).toHaveLength(20)
    scores.forEach((s, i) => {
      expect(Math.abs(s - fixture.probability[i]!)).toBeLessThanOrEqual(1e-5)
      expect(Math.abs(logit(s) - fixture.logit[i]!)).toBeLessThanOrEqual(1e-5)
    })
    // Guards against a fixture of near-identical rows, where parity would prove little.
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.2)
  })

  it('reproduces the held-out metrics that train.py wrote into the manifest', async () => {
    const { rows, labels } = cohort()
    const { manifest, files } = shippedOnnxArtifact()
    const metrics = await (await onnxModelPlugin.load({ manifest, files })).evaluate({ rows: rows.slice(3200), labels: labels.slice(3200) })
    for (const name of ['auroc', 'auprc', 'brier', 'logLoss', 'ece']) {
      expect(Math.abs(metrics[name]! - manifest.metrics![`heldout_${name}`]!), name).toBeLessThanOrEqual(1e-5)
    }
    expect(metrics.n).toBe(800)
  })

  it('ships a manifest whose sha256 matches model.onnx', async () => {
    const { manifest, files } = shippedOnnxArtifact()
    expect(await hashFiles(files)).toEqual(manifest.files)
  })
})

describe('execution providers', () => {
  it('runs on the wasm EP in Node by default, with nothing passed over', async () => {
    const model = await onnxModelPlugin.load(shippedOnnxArtifact())
    expect(model.executionProvider).toBe('wasm')
    expect(model.describe().executionProvider).toBe('wasm')
    expect(model.providerFailures).toEqual([])
  })

  it('falls back from webgpu to wasm where there is no WebGPU adapter, and says why', async () => {
    const model = await createOnnxModelPlugin({ providers: ['webgpu', 'wasm'] }).load(shippedOnnxArtifact())
    expect(model.executionProvider).toBe('wasm')
    expect(model.providerFailures).toEqual(['webgpu: not available here'])
  })

  it('uses an injected engine (the onnxruntime-node option point) under its own provider name', async () => {
    // onnxruntime-web's `cpu` EP stands in for onnxruntime-node's: same module shape, another name.
    const cpu: ExecutionProvider = { name: 'cpu', engine: () => import('onnxruntime-web') }
    const fixture = parityFixture()
    const model = await createOnnxModelPlugin({ providers: [cpu, 'wasm'] }).load(shippedOnnxArtifact())
    expect(model.executionProvider).toBe('cpu')
    const [p] = await model.predict([{ features: fixture.rows[0]! }])
    expect(Math.abs(p!.score - fixture.probability[0]!)).toBeLessThanOrEqual(1e-5)
  })

  it('lists every failed provider in one engine.load_failed error when none starts', async () => {
    const broken = (name: string): ExecutionProvider => ({ name, engine: () => Promise.reject(new Error(`${name} module missing`)) })
    const error = await createOnnxModelPlugin({ providers: [broken('alpha'), broken('beta')] })
      .load(shippedOnnxArtifact())
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'engine.load_failed' })
    expect((error as Error).message).toContain('alpha: alpha module missing; beta: beta module missing')
  })

  it('checks the manifest before loading any engine', async () => {
    let loads = 0
    const counting: ExecutionProvider = {
      name: 'wasm',
      engine: async () => {
        loads++
        return import('onnxruntime-web')
      },
    }
    const { manifest, files } = shippedOnnxArtifact()
    const error = await createOnnxModelPlugin({ providers: [counting] })
      .load({ manifest: { ...manifest, onnx: undefined } as typeof manifest, files })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'model.invalid_manifest' })
    expect(loads).toBe(0)
  })

  it('refuses bytes that are not an ONNX model with model.load_failed', async () => {
    const { manifest } = shippedOnnxArtifact()
    const error = await onnxModelPlugin.load({ manifest, files: { 'model.onnx': new TextEncoder().encode('not a model') } }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'model.load_failed' })
  })

  it('imports ONNX Runtime only through dynamic import(), never at module top level', () => {
    const dir = new URL('../../plugins/model-onnx/', import.meta.url)
    for (const file of readdirSync(dir)) {
      // A static import statement (possibly multi-line: no quote before its `from`), not `import type`.
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/^import\s+(?!type\b)[^'"]*?from\s+['"]onnxruntime/m)
    }
    // And the engine really is reached, lazily, through its own sub-path builds.
    expect(readFileSync(new URL('engine.ts', dir), 'utf8')).toMatch(/import\('onnxruntime-web\/wasm'\)/)
  })
})
