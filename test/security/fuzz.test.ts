import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { startServe } from '../../testkit/serve-process.ts'
import { AUDIENCE, hsToken, ISSUER, makeKey, sign, unsignedToken, type TestKey } from '../../testkit/tokens.ts'

let key: TestKey
let tokens: string[]
beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
  const forger = await makeKey('ES384', 'k1')
  tokens = [
    await sign(key, { scope: 'nexora/admin' }),
    await sign(key, { scope: 'nexora/predict' }),
    await sign(key, { scope: '' }),
    await sign(forger, { scope: 'nexora/admin' }),
    await sign(key, { exp: 1 }),
    unsignedToken(),
    await hsToken('secret'),
    'x.y.z',
    '',
  ]
})

const routes: [string, string][] = [
  ['POST', '/predict'],
  ['POST', '/predict'],
  ['POST', '/predict'],
  ['GET', '/models'],
  ['GET', '/models/{s}'],
  ['GET', '/models/toy/versions/{s}'],
  ['POST', '/models/{s}/versions/{s}/promote'],
  ['POST', '/models/toy/versions/{s}/archive'],
  ['GET', '/audit/events'],
  ['GET', '/audit/report'],
  ['POST', '/audit/verify'],
  ['POST', '/audit/checkpoint'],
  ['GET', '/health'],
  ['GET', '/openapi.json'],
  ['GET', '/docs'],
  ['GET', '/docs/assets/{s}'],
  ['GET', '/{s}'],
]
const weird = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', '%', '1e999', '-0', 'NaN', '<script>', "'; DROP TABLE audit_events; --", '\u202e', '\ud83d'),
)
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -1e308, 5e-324, 2 ** 53 + 1, 0))
const row = fc.record(
  {
    patientId: fc.option(weird, { nil: undefined }),
    features: fc.dictionary(fc.oneof(fc.constantFrom('age', 'smoker', 'sex'), weird), fc.oneof(number, weird, fc.boolean(), fc.constant(null), fc.jsonValue())),
  },
  { requiredKeys: [] },
)
const predictBody = fc.record(
  {
    model: fc.oneof(fc.constant('toy'), fc.constant('toy@1.0.0'), weird, number),
    rows: fc.oneof(fc.array(row, { maxLength: 5 }), weird, number, fc.constant(null)),
    explain: fc.oneof({ arbitrary: fc.boolean(), weight: 5 }, { arbitrary: weird, weight: 1 }),
    version: fc.oneof(fc.constantFrom('1.0.0', '9.9.9'), weird),
    alias: fc.constantFrom('production', 'latest', 'staging', 'bogus'),
  },
  { requiredKeys: ['model', 'rows'] },
)
const body = fc.oneof(
  { arbitrary: predictBody.map((b) => JSON.stringify(b)), weight: 6 },
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.constantFrom(
    '{"model":"toy","rows":[{"features":{"age":1e999}}]}',
    '{"a":',
    '[]',
    'null',
    '{"model":"toy","rows":[{"features":{"age":NaN}}]}',
    '{}'.repeat(2000),
    '['.repeat(5000),
    '{"model":"toy","rows":[{"features":{"age":50}}]}',
    '{"stage":"production"}',
    '{"fromSeq":1}',
    '{"fromSeq":-1,"toSeq":"x"}',
  ),
  fc.constant(undefined),
)
// Mostly the route's own method and a valid token, so requests reach validation and the pipeline.
const query = fc.oneof(
  fc.dictionary(weird, weird, { maxKeys: 4 }),
  fc.record(
    { from: weird, to: weird, limit: fc.oneof(weird, number.map(String)), after: weird, format: fc.constantFrom('json', 'fhir', 'xml'), patient: weird },
    { requiredKeys: [] },
  ),
)
const request = fc.record({
  route: fc.constantFrom(...routes),
  method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'), { nil: undefined, freq: 4 }),
  path: fc.tuple(weird, fc.option(query, { nil: undefined })),
  token: fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.option(fc.nat(8), { nil: undefined }), weight: 3 }),
  contentType: fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 6 },
    { arbitrary: fc.constantFrom('text/plain', 'application/json; charset=utf-16', '', 'multipart/form-data'), weight: 1 },
  ),
  body,
})

function toRequest(r: {
  route: [string, string]
  method?: string
  path: [string, Record<string, string> | undefined]
  token?: number
  contentType: string
  body?: string
}): [string, RequestInit] {
  const [fill, query] = r.path
  const [routeMethod, template] = r.route
  r = { ...r, method: r.method ?? routeMethod }
  // A lone surrogate cannot be percent-encoded; send a malformed escape instead, which is also bad input.
  const encode = (v: string) => {
    try {
      return encodeURIComponent(v)
    } catch {
      return '%ZZ%E0%A4%A'
    }
  }
  const path = template.replaceAll('{s}', encode(fill))
  const search = query
    ? `?${Object.entries(query)
        .map(([k, v]) => `${encode(k)}=${encode(v)}`)
        .join('&')}`
    : ''
  const headers: Record<string, string> = {}
  if (r.contentType) headers['content-type'] = r.contentType
  if (r.token !== undefined) headers.authorization = `Bearer ${tokens[r.token]}`
  const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD'
  return [`http://nexora.test${path}${search}`, { method: r.method, headers, ...(hasBody ? { body: r.body } : {}) }]
}

describe('fuzzing every route with malformed requests', () => {
  it('answers 10,000 generated bad requests without a single 5xx', { timeout: 300_000 }, async () => {
    const { nexora, audit } = await toyNexora(
      { rateLimits: false, bodyLimitBytes: 64 * 1024 },
      [],
      [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })],
    )
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [url, init] = toRequest(r)
        const res = await nexora.app.request(url, init)
        await res.arrayBuffer()
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
        if (res.status >= 500) throw new Error(`${init.method} ${url} answered ${res.status}`)
      }),
      { numRuns: 10_000, seed: 20261126 },
    )
    const total = [...statuses.values()].reduce((a, b) => a + b, 0)
    expect(total).toBe(10_000)
    // The mix reached past the front door: some were refused, some validated, some scored.
    for (const status of [200, 400, 401, 404, 422]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
    expect(await audit.verify()).toMatchObject({ ok: true })
    console.info(`fuzz: ${total} requests, 5xx: 0, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`)
  })
})

describe('fuzzing the real server process', () => {
  it('stays up and answers 1,000 generated bad requests over TCP without a 5xx', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexora-fuzz-'))
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn' })
    try {
      const real = [server.token, ...tokens]
      let fivexx = 0
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const [url, init] = toRequest(r)
          const headers = { ...(init.headers as Record<string, string>) }
          if (r.token !== undefined) headers.authorization = `Bearer ${real[r.token] ?? ''}`
          const res = await fetch(url.replace('http://nexora.test', server.url), { ...init, headers })
          await res.arrayBuffer()
          if (res.status >= 500) fivexx++
        }),
        { numRuns: 1_000, seed: 7 },
      )
      expect(fivexx).toBe(0)
      expect(server.child.exitCode).toBeNull()
      expect((await fetch(`${server.url}/health`)).status).toBe(200)
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
