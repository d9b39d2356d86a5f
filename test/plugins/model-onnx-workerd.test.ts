import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { COMPATIBILITY_DATE, loadMiniflare, WORKERS_BUILD } from '../../testkit/workerd.ts'
import { onnxModelPlugin } from '../../plugins/model-onnx/index.ts'
import { parityFixture, shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

// workerd refuses to compile wasm from bytes; this runs the opt-in provider where that rule holds.
it('serves the ONNX model inside workerd with precompiledWasmProvider, scoring as in Node', { timeout: 120_000 }, async () => {
  const bundle = await build({
    ...WORKERS_BUILD,
    mainFields: [...WORKERS_BUILD.mainFields],
    conditions: [...WORKERS_BUILD.conditions],
    entryPoints: [new URL('../../testkit/onnx-worker.ts', import.meta.url).pathname],
    outfile: 'worker.mjs',
    write: false,
    external: ['./ort.wasm'],
    loader: { '.onnx': 'binary' },
    logLevel: 'silent',
  })
  const wasm = readFileSync(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'))
  const Miniflare = await loadMiniflare()
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: 'worker.mjs', contents: bundle.outputFiles[0]!.text },
      { type: 'CompiledWasm', path: 'ort.wasm', contents: wasm },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    cf: false,
  })
  try {
    const features = parityFixture().rows[0]!
    const res = await mf.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify(features) })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { score: number; executionProvider: string; contributions: number }
    const [inNode] = await (await onnxModelPlugin.load(shippedOnnxArtifact())).predict([{ features }])
    expect(body).toEqual({ score: inNode!.score, executionProvider: 'wasm', contributions: 8 })
  } finally {
    await mf.dispose()
  }
})
