import { importOptional, lazy, NexoraError } from '../../core/index.ts'

/** The tfjs namespace, typed without importing it at runtime (`import type` is erased). */
export type Tf = typeof import('@tensorflow/tfjs')

/** Backends in priority order: GPU first in a browser, wasm first in Node; `cpu` is the last resort everywhere. */
export function backendPriority(): string[] {
  const browser = typeof (globalThis as { document?: unknown }).document !== 'undefined'
  return browser ? ['webgpu', 'wasm', 'cpu'] : ['wasm', 'cpu']
}

export interface Engine {
  tf: Tf
  /** The backend actually in use, after falling back through `backendPriority()`. */
  backend: string
}

async function tryBackend(tf: Tf, name: string): Promise<boolean> {
  try {
    // wasm registers itself on import; webgpu only if its package is installed. A missing one is skipped.
    if (name === 'wasm' && !tf.findBackendFactory('wasm')) await import('@tensorflow/tfjs-backend-wasm')
    if (!tf.findBackendFactory(name)) return false
    if (!(await tf.setBackend(name))) return false
    await tf.ready()
    return tf.getBackend() === name
  } catch {
    return false
  }
}

/**
 * The one memoized loader of tfjs: imported on first training only (serving never needs it:
 * prediction runs on plain JS math from the weights), and the backend is resolved once.
 * @example
 * const { tf, backend } = await loadEngine() // backend: 'wasm' in Node, 'cpu' if wasm fails
 */
export const loadEngine = lazy(async (): Promise<Engine> => {
  let tf: Tf
  try {
    tf = await importOptional('@tensorflow/tfjs', () => import('@tensorflow/tfjs'), 'DeepFM training')
  } catch (cause) {
    if (cause instanceof NexoraError) throw cause
    throw new NexoraError('engine.load_failed', { detail: '@tensorflow/tfjs could not be imported', cause })
  }
  for (const name of backendPriority()) if (await tryBackend(tf, name)) return { tf, backend: name }
  throw new NexoraError('engine.load_failed', { detail: `no tfjs backend of ${backendPriority().join(', ')} initialised` })
})

/**
 * The backend DeepFM trains on in this process, resolving it if needed.
 * @example
 * console.log(await deepfmBackend()) // 'wasm'
 */
export async function deepfmBackend(): Promise<string> {
  return (await loadEngine()).backend
}
