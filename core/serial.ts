/**
 * Run async tasks one at a time, in call order. The audit sinks use it so a batch is
 * sealed against the head the previous batch left, never against a stale one.
 * @example
 * const inOrder = serial(); await inOrder(() => append(batch))
 */
export function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return (task) => {
    const run = tail.then(task, task)
    tail = run.catch(() => {})
    return run
  }
}
