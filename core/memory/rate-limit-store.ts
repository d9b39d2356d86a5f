import type { RateLimitDecision, RateLimitRule, RateLimitStore } from '../ports/rate-limit.ts'

export interface BucketState {
  tokens: number
  updatedAt: number
}

/** The token-bucket arithmetic, shared by every RateLimitStore so they agree exactly. */
export function takeFromBucket(
  state: BucketState | undefined,
  cost: number,
  rule: RateLimitRule,
  now: number,
): { state: BucketState; decision: RateLimitDecision } {
  const elapsed = state ? Math.max(0, now - state.updatedAt) / 1000 : 0
  const available = state ? Math.min(rule.capacity, state.tokens + elapsed * rule.refillPerSecond) : rule.capacity
  const allowed = available >= cost
  const tokens = allowed ? available - cost : available
  const resetAt = now + Math.ceil(((rule.capacity - tokens) / rule.refillPerSecond) * 1000)
  return { state: { tokens, updatedAt: now }, decision: { allowed, remaining: Math.floor(tokens), resetAt } }
}

/** In-memory token buckets: the default for a single process. */
export function memoryRateLimitStore(): RateLimitStore {
  const buckets = new Map<string, BucketState>()
  return {
    async take(key, cost, rule, now) {
      const { state, decision } = takeFromBucket(buckets.get(key), cost, rule, now)
      buckets.set(key, state)
      return decision
    },
  }
}
