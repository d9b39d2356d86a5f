import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { createOnnxModelPlugin, precompiledWasmProvider } from '../../plugins/model-onnx/index.ts'
import { parityFixture, shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

// Its own file: the provider wraps WebAssembly.instantiate and must be the first to start ORT's
// wasm in this module graph (vitest isolates test files), as it would be in a Worker.
it('runs on a precompiled ORT wasm module, as workerd requires, and restores WebAssembly.instantiate', async () => {
  const wasmPath = createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')
  const compiled = new WebAssembly.Module(readFileSync(wasmPath))
  const original = WebAssembly.instantiate
  const model = await createOnnxModelPlugin({ providers: [precompiledWasmProvider(compiled)] }).load(shippedOnnxArtifact())
  // ORT was handed a marker, not wasm bytes: a score means the precompiled module was instantiated.
  const fixture = parityFixture()
  const [p] = await model.predict([{ features: fixture.rows[0]! }])
  expect(Math.abs(p!.score - fixture.probability[0]!)).toBeLessThanOrEqual(1e-5)
  expect(model.executionProvider).toBe('wasm')
  expect(WebAssembly.instantiate).toBe(original)
})
