import type { JWTPayload } from 'jose'
import { LRUCache } from 'lru-cache'
import type { Clock } from '../../core/index.ts'
import { tokenError } from './verify-token.ts'

/**
 * Remembers each `jti` until its token expires, and refuses a second use: the CDS Hooks and
 * SMART Backend Services rule. In memory, so per process; bounded so a flood cannot exhaust it.
 */
export function createReplayGuard(clock: Clock, max = 100_000) {
  const seen = new LRUCache<string, true>({ max, ttlAutopurge: false })
  return function assertFresh(payload: JWTPayload): void {
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) throw tokenError('token.jti_required')
    const key = `${payload.iss ?? ''}\u0000${payload.jti}`
    if (seen.has(key)) throw tokenError('token.replayed')
    seen.set(key, true, { ttl: Math.max(1000, (payload.exp ?? 0) * 1000 - clock.now() + 60_000) })
  }
}
