import { importOptional, lazy, NexoraError } from '../../core/index.ts'

/** The tfjs namespace, as a type only: nothing here imports tfjs at module load. */
export type Tf = typeof import('@tensorflow/tfjs')

const inBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined'

/**
 * tfjs, imported once on first use and shared by every transformer model in the process.
 * Backends by priority: Node `wasm` → `cpu`; browser `webgpu` (when registered) → `wasm` → `cpu`.
 * A failed import is evicted by `lazy`, so the next load retries.
 *
 * @example
 * const tf = await loadTf()
 * tf.tidy(() => tf.ones([2]).sum())
 */
export const loadTf = lazy(async (): Promise<Tf> => {
  try {
    const tf = await importOptional('@tensorflow/tfjs', () => import('@tensorflow/tfjs'), 'Transformer models')
    // Registers the wasm backend; it locates its own .wasm binary next to the package.
    await importOptional('@tensorflow/tfjs-backend-wasm', () => import('@tensorflow/tfjs-backend-wasm'), 'Transformer models')
    const priority = inBrowser ? ['webgpu', 'wasm', 'cpu'] : ['wasm', 'cpu']
    for (const name of priority) {
      if (!tf.findBackendFactory(name)) continue
      try {
        if (await tf.setBackend(name)) {
          await tf.ready()
          return tf
        }
      } catch {
        // Try the next backend: a missing binary or GPU is not fatal.
      }
    }
    throw new Error(`no tfjs backend among ${priority.join(', ')} initialised`)
  } catch (cause) {
    if (cause instanceof NexoraError) throw cause
    throw new NexoraError('model.load_failed', { detail: 'the tfjs engine could not be loaded', cause })
  }
})
