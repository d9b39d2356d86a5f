import { useEffect } from 'react'

/** How often a running job is asked about again. */
export const POLL_MS = 2000

/**
 * Call `reload` POLL_MS after each new answer while `active`: one request at a time (the next
 * waits for the answer), none once nothing runs, and none after the page unmounts.
 */
export function usePoll(reload: () => void, active: boolean, answer: unknown) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new answer schedules the next poll
  useEffect(() => {
    if (!active) return
    const timer = setTimeout(reload, POLL_MS)
    return () => clearTimeout(timer)
  }, [reload, active, answer])
}
