/**
 * The in-tab scoring engine: the browser adapter with the ONNX plugin (WebGPU first, WASM as the
 * fallback), the model from /app/models/ kept on the device (IndexedDB), ONNX Runtime's wasm from
 * /app/ort/. Imported lazily by the score page, so neither the shell nor the page's first paint
 * carries ONNX Runtime. Nothing here sends patient data anywhere.
 */
import { createBrowserNexora, onnxModel, type BrowserNexora } from '../../../adapters/browser.ts'
import type { Contribution, FeatureValue } from '../../../core/index.ts'

export const MODEL_URL = '/app/models/readmission-onnx/'

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
    const nexora = await createBrowserNexora({ models: [onnxModel({ providers: ['webgpu', 'wasm'], wasmPaths: '/app/ort/' })] })
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
