import { definePlugin, NexoraError, type ModelArtifact, type ModelPlugin } from '../../core/index.ts'
import { startSession, type EngineOptions } from './engine.ts'
import { parseMapping } from './mapping.ts'
import { createOnnxModel, type OnnxLoadedModel } from './model.ts'

/** The artifact file every `onnx` model version carries. */
export const ONNX_FILE = 'model.onnx'

export type OnnxModelOptions = EngineOptions

/** The `onnx` ModelPlugin: `load` resolves to an OnnxLoadedModel, which says where it runs. */
export interface OnnxModelPlugin extends ModelPlugin {
  load(artifact: ModelArtifact): Promise<OnnxLoadedModel>
}

/**
 * The `onnx` ModelPlugin with chosen execution providers: loads `model.onnx`, maps the row's
 * named features onto the graph input and the named output onto the score through the
 * manifest's `onnx` section. ONNX Runtime is imported on the first load, never at import time.
 * There is no `train`: ONNX models are trained elsewhere (see models/readmission-onnx/train.py).
 * @example
 * const plugin = createOnnxModelPlugin({ providers: ['webgpu', 'wasm'], wasmPaths: '/ort/' })
 * const model = await plugin.load(artifact) as OnnxLoadedModel
 * model.executionProvider // 'webgpu', or 'wasm' after a fallback
 */
export function createOnnxModelPlugin(options: OnnxModelOptions = {}): OnnxModelPlugin {
  return {
    kind: 'onnx',
    async load(artifact) {
      // The manifest is checked before any engine is downloaded.
      const mapping = parseMapping(artifact.manifest)
      const bytes = artifact.files[ONNX_FILE]
      if (!bytes || bytes.byteLength === 0) throw new NexoraError('model.load_failed', { detail: `the artifact has no ${ONNX_FILE}` })
      const started = await startSession(bytes, options)
      try {
        return await createOnnxModel(artifact.manifest, mapping, started)
      } catch (error) {
        await started.session.release?.()
        throw error
      }
    },
  }
}

/** The `onnx` ModelPlugin with the default providers (`webgpu` then `wasm` in a page, `wasm` elsewhere). */
export const onnxModelPlugin = createOnnxModelPlugin()

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), onnxModel()] })
 * // in a page, with ORT's wasm files served from /ort/:
 * await createBrowserNexora({ models: [onnxModel({ providers: ['webgpu', 'wasm'], wasmPaths: '/ort/' })] })
 */
export function onnxModel(options?: OnnxModelOptions) {
  const plugin = options ? createOnnxModelPlugin(options) : onnxModelPlugin
  return definePlugin({ name: 'model-onnx', provides: 'model', setup: () => plugin })
}

export { defaultProviders, startSession, type ExecutionProvider, type OrtModule, type OrtSession, type ProviderChoice, type EngineOptions } from './engine.ts'
export { OnnxMappingSchema, parseMapping, type OnnxMapping, type OnnxColumn } from './mapping.ts'
export { exactPlan, sampledPlan, type ShapleyPlan } from './shapley.ts'
export type { OnnxLoadedModel, OnnxModelDescription } from './model.ts'
export { precompiledWasmProvider } from './precompiled-wasm.ts'
