/**
 * One memoized, retryable loader for heavy engines (tfjs, onnxruntime, libsql, pg).
 * Concurrent callers share one in-flight load; a failed load is evicted so the next
 * call retries instead of caching the failure forever (ONNX Runtime Web's backend rule).
 *
 * @example
 * const loadLibsql = lazy(() => import('@libsql/client'))
 * const { createClient } = await loadLibsql()
 */
export function lazy<T>(load: () => Promise<T>): (() => Promise<T>) & { reset(): void } {
  let pending: Promise<T> | undefined
  const get = () => {
    if (!pending) {
      const attempt = load()
      pending = attempt
      attempt.catch(() => {
        if (pending === attempt) pending = undefined
      })
    }
    return pending
  }
  return Object.assign(get, {
    reset: () => {
      pending = undefined
    },
  })
}
