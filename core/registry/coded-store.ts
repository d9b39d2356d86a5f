import { NexoraError } from '../errors.ts'
import type { ModelStore } from '../ports/model-store.ts'

const METHODS = [
  'putVersion',
  'getVersion',
  'getFiles',
  'listModels',
  'listVersions',
  'setAlias',
  'getAliases',
  'setStage',
  'getLifecycle',
  'putLifecycle',
] as const

/**
 * The ModelStore as the registry sees it: a store that fails with anything but a NexoraError
 * (a driver's raw error, a dropped connection) could not answer, and that is `storage.unavailable`
 * (503), never a bare 500. The SQL stores already code their outages; this covers every other
 * store and every registry path at once: resolve refreshes, model loads, the admin routes.
 * @example
 * const store = codedModelStore(memoryModelStore())
 */
export function codedModelStore(store: ModelStore): ModelStore {
  const coded: ModelStore = { ...store }
  for (const name of METHODS) {
    if (!store[name]) continue
    ;(coded as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        // Looked up on each call, so a store whose methods are replaced later is still the one used.
        return await (store[name] as (...a: unknown[]) => Promise<unknown>).apply(store, args)
      } catch (error) {
        if (error instanceof NexoraError) throw error
        // The cause stays on the error for debugging; the detail never carries the driver's text.
        throw new NexoraError('storage.unavailable', { detail: 'the model store did not answer', cause: error, headers: { 'Retry-After': '1' } })
      }
    }
  }
  return coded
}
