import { z } from 'zod'
import type { RateLimits } from '../core/index.ts'
import { UsageError } from './args.ts'

const Rule = z.object({ capacity: z.number().positive().finite(), refillPerSecond: z.number().positive().finite() }).strict()
const Limits = z.object({
  predict: Rule, read: Rule, write: Rule, audit: Rule, public: Rule, unauthenticated: Rule,
}).partial().strict()

/**
 * `NEXORA_RATE_LIMITS`: token buckets over the defaults, as JSON, e.g.
 * `{"predict":{"capacity":2000,"refillPerSecond":1000},"unauthenticated":{"capacity":60,"refillPerSecond":2}}`.
 * A bad value stops the server with a usage error naming the field.
 */
export function rateLimitsFromEnv(value: string | undefined): Partial<RateLimits> | undefined {
  if (value === undefined || value.trim() === '') return undefined
  let json: unknown
  try {
    json = JSON.parse(value)
  } catch {
    throw new UsageError('NEXORA_RATE_LIMITS must be JSON')
  }
  const parsed = Limits.safeParse(json)
  if (!parsed.success) throw new UsageError(`NEXORA_RATE_LIMITS: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`)
  return parsed.data
}
