import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api'

/** The part of `AsyncLocalStorage` (node:async_hooks; Deno, Bun, and Workers with `nodejs_als`) a context manager needs. */
export interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined
  run<R>(store: T, fn: () => R): R
  disable(): void
}

export type AsyncLocalStorageConstructor = new <T>() => AsyncLocalStorageLike<T>

/**
 * The active trace context carried across `await` by AsyncLocalStorage, passed in rather than
 * imported, so this module loads on every runtime (`@opentelemetry/context-async-hooks` imports
 * node:async_hooks itself). Without it the SDK still exports spans, but each stands alone.
 * @example
 * import { AsyncLocalStorage } from 'node:async_hooks'
 * context.setGlobalContextManager(asyncLocalStorageContextManager(AsyncLocalStorage))
 */
export function asyncLocalStorageContextManager(Storage: AsyncLocalStorageConstructor): ContextManager {
  let storage = new Storage<Context>()
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
    // A callback (an event listener) runs in the context it was bound in, whenever it is called.
    bind: <T>(ctx: Context, target: T): T => {
      if (typeof target !== 'function') return target
      const fn = target as unknown as (...a: unknown[]) => unknown
      return function (this: unknown, ...a: unknown[]) {
        return manager.with(ctx, () => fn.apply(this, a))
      } as unknown as T
    },
    enable: () => manager,
    disable: () => {
      storage.disable()
      storage = new Storage<Context>()
      return manager
    },
  }
  return manager
}
