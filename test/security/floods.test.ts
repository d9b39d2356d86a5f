import { beforeAll, describe, expect, it } from 'vitest'
import type { Context } from 'hono'
import { addressKey, type AuditEvent, type NexoraConfig } from '../../core/index.ts'
import { createRefusalAudit } from '../../core/security/refusal-audit.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
})

/** A Nexora that reads the client address from a test header, as an adapter reads the socket. */
async function secured(config: NexoraConfig = {}) {
  const getClientIp = (c: Context) => c.req.header('x-test-ip')
  return toyNexora({ getClientIp, ...config }, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
}
const body = { model: 'toy', rows: [{ patientId: 'Patient/7', features: { age: 50 } }] }

/** How many refusals the trail accounts for: each refusal event, plus the counts in the summaries. */
const accounted = (events: AuditEvent[], action: string) =>
  events.filter((e) => e.action === action).length +
  events.filter((e) => e.action === 'audit.suppressed' && e.reason === action).reduce((n, e) => n + (e.context.count as number), 0)

describe('unauthenticated floods', () => {
  it('refuses an address that keeps failing authentication with 429 and Retry-After, before checking its tokens', async () => {
    const { nexora, audit } = await secured()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 800; i++) {
      const headers = { 'x-test-ip': '203.0.113.9', ...(i % 2 ? { authorization: 'Bearer garbage' } : {}) }
      const res = await nexora.app.request('/predict', post('/predict', body, headers))
      statuses.push(res.status)
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after')
    }
    // The bucket holds 30 failures (a second or two of refill may add one or two while the loop runs).
    const unauthorized = statuses.filter((s) => s === 401).length
    expect(unauthorized).toBeGreaterThanOrEqual(30)
    expect(unauthorized).toBeLessThan(60)
    expect(statuses.filter((s) => s === 429).length).toBe(800 - unauthorized)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    // While the address is refused, so is a valid token from it; another address is served.
    const valid = { authorization: `Bearer ${await sign(key)}` }
    expect((await nexora.app.request('/predict', post('/predict', body, { ...valid, 'x-test-ip': '203.0.113.9' }))).status).toBe(429)
    expect((await nexora.app.request('/predict', post('/predict', body, { ...valid, 'x-test-ip': '198.51.100.1' }))).status).toBe(200)
    await nexora.close()
    // Bounded: a handful of events, not 800, and the count of every refusal survives in the summaries.
    expect(audit.events.length).toBeLessThan(10)
    expect(accounted(audit.events, 'auth.invalid_token') + accounted(audit.events, 'rate.limited')).toBe(801)
    const summary = audit.events.find((e) => e.action === 'audit.suppressed' && e.reason === 'auth.invalid_token')
    expect(summary).toMatchObject({
      actor: 'unauthenticated',
      outcome: 'denied',
      ip: '203.0.113.9',
      context: { reasons: { 'token.missing': expect.any(Number), 'token.malformed': expect.any(Number) } },
    })
    expect(await audit.verify()).toMatchObject({ ok: true })
  })

  it('has no per-address budget where the adapter knows no address (one bad client must not lock out all)', async () => {
    const { nexora, audit } = await toyNexora({}, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
    for (let i = 0; i < 100; i++) expect((await nexora.app.request('/predict', post('/predict', body))).status).toBe(401)
    expect((await nexora.app.request('/predict', post('/predict', body, { authorization: `Bearer ${await sign(key)}` }))).status).toBe(200)
    await nexora.close()
    expect(accounted(audit.events, 'auth.invalid_token')).toBe(100)
  })

  it('keeps the audit trail bounded even with rate limiting turned off, and counts every refusal', async () => {
    const { nexora, audit } = await secured({ rateLimits: false })
    for (let i = 0; i < 300; i++) expect((await nexora.app.request('/predict', post('/predict', body, { 'x-test-ip': '203.0.113.10' }))).status).toBe(401)
    expect(audit.events).toHaveLength(1)
    await nexora.close()
    expect(audit.events.map((e) => [e.action, e.reason])).toEqual([
      ['auth.invalid_token', 'token.missing'],
      ['audit.suppressed', 'auth.invalid_token'],
    ])
    expect(audit.events[1]!.context).toMatchObject({ count: 299, reasons: { 'token.missing': 299 } })
  })

  it('bounds the events of an authenticated caller that runs past its rate limit', async () => {
    const { nexora, audit } = await secured({ rateLimits: { predict: { capacity: 5, refillPerSecond: 0.01 } } })
    const valid = { authorization: `Bearer ${await sign(key)}`, 'x-test-ip': '198.51.100.2' }
    const statuses = []
    for (let i = 0; i < 200; i++) statuses.push((await nexora.app.request('/predict', post('/predict', body, valid))).status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    await nexora.close()
    expect(audit.events.filter((e) => e.action === 'rate.limited')).toHaveLength(1)
    expect(accounted(audit.events, 'rate.limited')).toBe(195)
  })
})

describe('the refusal audit', () => {
  it('opens one window per key, writes the count when the window ends, and caps the keys it tracks', () => {
    const audit = createRefusalAudit({ windowMs: 1000, maxKeys: 2 })
    const refusal = (ip: string) => ({
      ts: '2026-01-01T00:00:00.000Z',
      actor: 'unauthenticated',
      action: 'auth.invalid_token',
      outcome: 'denied' as const,
      reason: 'token.signature',
      ip,
    })
    expect(audit.note('a', refusal('a'), 0)).toHaveLength(1)
    expect(audit.note('a', refusal('a'), 10)).toHaveLength(0)
    expect(audit.note('b', refusal('b'), 20)).toHaveLength(1)
    // A third key shares the overflow window: memory stays bounded under many addresses.
    expect(audit.note('c', refusal('c'), 30)).toHaveLength(1)
    expect(audit.note('d', refusal('d'), 40)).toHaveLength(0)
    // After the window, the next refusal brings the summaries of every ended window with it.
    const later = audit.note('a', refusal('a'), 1500)
    expect(later.map((e) => [e.action, e.context?.key, e.context?.count])).toEqual([
      ['audit.suppressed', 'a', 1],
      ['audit.suppressed', '(overflow)', 1],
      ['auth.invalid_token', undefined, undefined],
    ])
    expect(audit.flush(1600)).toEqual([])
  })

  it('keys IPv6 clients by their /64 and IPv4-mapped ones by the IPv4 address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'))
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'))
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(addressKey('[fe80::1%eth0]')).toBe('fe80:0:0:0::/64')
    expect(addressKey(undefined)).toBe('unknown')
    expect(addressKey('not:an::ip::')).toBe('invalid')
  })
})
