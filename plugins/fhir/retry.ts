/** When to try again: `Retry-After` if the server said (seconds or an HTTP date), else jittered exponential backoff. */
export function retryDelayMs(attempt: number, retryAfter: string | null, now: number, random: () => number, baseMs = 200, maxMs = 10_000): number {
  if (retryAfter) {
    const seconds = Number(retryAfter)
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, maxMs * 6)
  }
  // "Full jitter": spreads retries of many clients so they do not hit a recovering server together.
  return Math.round(random() * Math.min(maxMs, baseMs * 2 ** attempt))
}

/** Statuses worth retrying: the server said "later" (429) or is temporarily unavailable (503, 502, 504). */
export const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
