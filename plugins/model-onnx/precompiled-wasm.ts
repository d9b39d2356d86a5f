import { lazy } from '../../core/index.ts'
import type { ExecutionProvider, OrtModule } from './engine.ts'

// ORT copies `wasmBinary` before instantiating it, so the placeholder is recognised by content.
const MARKER = new TextEncoder().encode('nexora:precompiled-onnxruntime-wasm')

const isMarker = (source: unknown) =>
  ArrayBuffer.isView(source) &&
  source.byteLength === MARKER.byteLength &&
  new Uint8Array(source.buffer, source.byteOffset, source.byteLength).every((b, i) => b === MARKER[i])

/**
 * The `wasm` provider for runtimes that forbid compiling WebAssembly from bytes (Cloudflare
 * workerd), opt-in: the host hands over ORT's wasm already compiled (wrangler turns a `.wasm`
 * import into a `WebAssembly.Module`), ORT is given a marker instead of the wasm bytes, and
 * `WebAssembly.instantiate` is wrapped just long enough to swap the marker for the module.
 * Any other instantiate call passes through untouched. Single-threaded only.
 * @example
 * // worker.ts (wrangler bundles the .wasm as a compiled module)
 * import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm'
 * const models = [onnxModel({ providers: [precompiledWasmProvider(ortWasm)] })]
 */
export function precompiledWasmProvider(wasm: WebAssembly.Module, load: () => Promise<OrtModule> = () => import('onnxruntime-web/wasm')): ExecutionProvider {
  return {
    name: 'wasm',
    engine: lazy(async () => {
      const original = WebAssembly.instantiate
      const restore = () => {
        if (WebAssembly.instantiate === wrapped) WebAssembly.instantiate = original
      }
      const wrapped = function (this: unknown, source: unknown, imports?: WebAssembly.Imports) {
        if (!isMarker(source)) return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>).call(WebAssembly, source, imports)
        restore()
        return original.call(WebAssembly, wasm, imports).then((instance) => ({ instance, module: wasm }))
      } as typeof WebAssembly.instantiate
      WebAssembly.instantiate = wrapped
      try {
        const ort = await load()
        if (!ort.env.wasm) throw new Error('this ONNX Runtime module has no wasm backend')
        ort.env.wasm.numThreads = 1
        ;(ort.env.wasm as { wasmBinary?: Uint8Array }).wasmBinary = Uint8Array.from(MARKER)
        return ort
      } catch (error) {
        restore()
        throw error
      }
    }),
  }
}
