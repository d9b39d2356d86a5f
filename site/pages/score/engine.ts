/**
 * The in-tab scoring engine: the browser adapter with the ONNX plugin (WebGPU first, WASM as the
 * fallback), the model from /app/models/ kept on the device (IndexedDB), ONNX Runtime's wasm from
 * /app/ort/. Imported lazily by the score page, so neither the shell nor the page's first paint
 * carries ONNX Runtime. Nothing here sends patient data anywhere.
 */
import { createBrowserNexora, onnxModel, type BrowserNexora, type OnnxModelOptions } from '../../../adapters/browser.ts'
import type { Contribution, FeatureValue } from '../../../core/index.ts'

export const MODEL_URL = '/app/models/readmission-onnx/'
export const ORT_URL = '/app/ort/'

type Provider = Exclude<NonNullable<OnnxModelOptions['providers']>[number], string>
type Ort = Awaited<ReturnType<Provider['engine']>>
/**
 * Each ORT build is told the URL of its own wasm file (`wasmPaths: { wasm }`). A prefix instead
 * would make ORT import its `.mjs` factory from there too, a second copy of what esbuild bundled.
 */
const located = (file: string) => (ort: Ort) => {
  if (ort.env.wasm) ort.env.wasm.wasmPaths = { wasm: `${ORT_URL}${file}` }
  return ort
}
let jspi: Promise<Ort> | undefined
let plain: Promise<Ort> | undefined
/**
 * WebGPU through ONNX Runtime's JSPI build (ort-wasm-simd-threaded.jspi.wasm, 16.8 MB; Chromium 137+
 * has JSPI). ORT's default WebGPU bundle loads the asyncify build instead, 26.8 MB: over Cloudflare's
 * 25 MiB asset limit and the page's transfer budget, so site/build.ts does not ship it (docs/decisions.md,
 * "Edge deployability"). Where JSPI or a GPU adapter is missing, nothing is fetched for it and the
 * page uses the plain wasm build: a device downloads one ORT wasm, the one it runs.
 */
const webgpu: Provider = {
  name: 'webgpu',
  engine: () => (jspi ??= import('onnxruntime-web/jspi').then((m) => located('ort-wasm-simd-threaded.jspi.wasm')(m as unknown as Ort))),
  available: async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu
    return 'Suspending' in WebAssembly && Boolean(gpu && (await gpu.requestAdapter()))
  },
}
/** The CPU: ORT's plain SIMD build (ort-wasm-simd-threaded.wasm, 14.2 MB). */
const wasm: Provider = {
  name: 'wasm',
  engine: () => (plain ??= import('onnxruntime-web/wasm').then((m) => located('ort-wasm-simd-threaded.wasm')(m as unknown as Ort))),
}

export interface Engine {
  nexora: BrowserNexora
  model: { name: string; version: string }
  provider: string
}
export interface InTabScore {
  score: number
  label?: string
  explanation: Contribution[]
  provider: string
}

let engine: Promise<Engine> | undefined

/** Create the engine and put the model on the device once; a failure can be retried. */
export function startEngine(): Promise<Engine> {
  engine ??= (async () => {
    // One thread: the model is a dozen weights, and threads would need ORT's worker script as a file.
    const nexora = await createBrowserNexora({ models: [onnxModel({ providers: [webgpu, wasm], numThreads: 1 })] })
    const model = await nexora.loadModel(MODEL_URL)
    // Loading the model starts its ONNX Runtime session: the provider that actually runs it.
    const loaded = (await nexora.nexora.registry.load(await nexora.nexora.registry.resolve(model.name))) as { executionProvider?: string }
    return { nexora, model, provider: loaded.executionProvider ?? 'n/a' }
  })().catch((e: unknown) => {
    engine = undefined
    throw e
  })
  return engine
}

export async function scoreInTab(features: Record<string, FeatureValue>): Promise<InTabScore> {
  const e = await startEngine()
  const result = await e.nexora.predict({ model: e.model.name, rows: [{ features }], explain: true })
  const p = result.predictions[0]!
  return { score: p.score, label: p.label, explanation: p.explanation ?? [], provider: e.provider }
}

/** The on-device audit trail (FHIR AuditEvents) for the user to save. */
export async function exportAudit(): Promise<Blob> {
  return (await startEngine()).nexora.exportAudit('fhir')
}
