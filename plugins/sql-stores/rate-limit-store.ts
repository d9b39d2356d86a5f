import { sql } from 'drizzle-orm'
import type { RateLimitStore } from '../../core/index.ts'
import type { SqlExecutor } from './executor.ts'

/**
 * Token buckets in SQL, so replicas share one limit per principal. The whole token-bucket step
 * (refill since the last take, then spend if enough) is one atomic UPSERT … RETURNING, the same
 * arithmetic as core's `takeFromBucket`, in SQL both SQLite and PostgreSQL accept.
 */
export function sqlRateLimitStore(db: SqlExecutor): RateLimitStore {
  return {
    async take(key, cost, rule, now) {
      const num = (v: number) => sql`CAST(${v} AS DOUBLE PRECISION)`
      const refilled = sql`CASE WHEN rate_limits.tokens + (${num(now)} - rate_limits.updated_at) / 1000.0 * ${num(rule.refillPerSecond)} > ${num(rule.capacity)}
        THEN ${num(rule.capacity)} ELSE rate_limits.tokens + (${num(now)} - rate_limits.updated_at) / 1000.0 * ${num(rule.refillPerSecond)} END`
      const [row] = await db.all<{ tokens: number; allowed: number }>(sql`
        INSERT INTO rate_limits (key, tokens, updated_at, allowed)
        VALUES (${key}, CASE WHEN ${num(rule.capacity)} >= ${num(cost)} THEN ${num(rule.capacity - cost)} ELSE ${num(rule.capacity)} END, ${now},
          CASE WHEN ${num(rule.capacity)} >= ${num(cost)} THEN 1 ELSE 0 END)
        ON CONFLICT (key) DO UPDATE SET
          tokens = CASE WHEN ${refilled} >= ${num(cost)} THEN ${refilled} - ${num(cost)} ELSE ${refilled} END,
          allowed = CASE WHEN ${refilled} >= ${num(cost)} THEN 1 ELSE 0 END,
          updated_at = ${now}
        RETURNING tokens, allowed`)
      const tokens = Number(row!.tokens)
      return {
        allowed: Number(row!.allowed) === 1,
        remaining: Math.floor(tokens),
        resetAt: now + Math.ceil(((rule.capacity - tokens) / rule.refillPerSecond) * 1000),
      }
    },
  }
}
