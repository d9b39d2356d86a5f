/** A token bucket: `capacity` tokens, refilled at `refillPerSecond`. */
export interface RateLimitRule {
  capacity: number
  refillPerSecond: number
}

export interface RateLimitDecision {
  allowed: boolean
  remaining: number
  /** When the bucket is full again, in ms since epoch. */
  resetAt: number
}

/** Bucket state, shared by replicas when the store is SQL-backed. */
export interface RateLimitStore {
  take(key: string, cost: number, rule: RateLimitRule, now: number): Promise<RateLimitDecision>
  close?(): Promise<void>
}
