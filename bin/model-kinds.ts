import type { ModelPlugin, Plugin } from '../core/index.ts'

/**
 * The model kinds shipped with Nexora, each imported only when asked for: the tfjs ones pull in a
 * 300 MB engine, which `nexora models list` should never pay for. More kinds come from plugin
 * modules named in the configuration (`plugins`) or with `--plugin` (bin/plugin-modules.ts).
 */
export const MODEL_KINDS = {
  linear: async () => (await import('../plugins/model-linear/index.ts')).linearModelPlugin,
  deepfm: async () => (await import('../plugins/model-deepfm/index.ts')).deepfmModelPlugin,
  transformer: async () => (await import('../plugins/model-transformer/index.ts')).transformerModelPlugin,
  cox: async () => (await import('../plugins/model-survival/index.ts')).coxModelPlugin,
  // Serving only (no train): onnxruntime-web itself is imported on the first model load.
  onnx: async () => (await import('../plugins/model-onnx/index.ts')).onnxModelPlugin,
} satisfies Record<string, () => Promise<ModelPlugin>>

export type ModelKind = keyof typeof MODEL_KINDS

/** Every shipped model plugin, for servers that serve every shipped model. Engines still load on first use. */
export async function allModelPlugins(): Promise<Plugin[]> {
  const { definePlugin } = await import('../core/index.ts')
  return Promise.all(
    Object.entries(MODEL_KINDS).map(async ([kind, load]) => {
      const plugin = await load()
      return definePlugin({ name: `model-${kind}`, provides: 'model', setup: () => plugin })
    }),
  )
}
