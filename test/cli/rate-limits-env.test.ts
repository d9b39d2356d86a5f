import { describe, expect, it } from 'vitest'
import { UsageError } from '../../bin/args.ts'
import { rateLimitsFromEnv } from '../../bin/rate-limits.ts'

describe('NEXORA_RATE_LIMITS', () => {
  it('sets buckets over the defaults, the unauthenticated one included', () => {
    expect(rateLimitsFromEnv('{"predict":{"capacity":2000,"refillPerSecond":1000},"unauthenticated":{"capacity":60,"refillPerSecond":2}}'))
      .toEqual({ predict: { capacity: 2000, refillPerSecond: 1000 }, unauthenticated: { capacity: 60, refillPerSecond: 2 } })
    expect(rateLimitsFromEnv(undefined)).toBeUndefined()
    expect(rateLimitsFromEnv(' ')).toBeUndefined()
  })

  it('refuses a value that is not JSON, an unknown class, or a bucket that is not positive, naming the field', () => {
    expect(() => rateLimitsFromEnv('predict=1000')).toThrow(UsageError)
    expect(() => rateLimitsFromEnv('{"predcit":{"capacity":1,"refillPerSecond":1}}')).toThrow(/NEXORA_RATE_LIMITS/)
    expect(() => rateLimitsFromEnv('{"predict":{"capacity":0,"refillPerSecond":1}}')).toThrow(/predict\.capacity/)
    expect(() => rateLimitsFromEnv('{"read":{"capacity":5}}')).toThrow(/read\.refillPerSecond/)
  })
})
