import { describe, expect, it } from 'vitest'
import { checkConfig, DEFAULT_RATE_LIMITS, loadConfig, nexoraConfigFrom, redactConfig } from '../../core/index.ts'

const env = (vars: Record<string, string>) => (name: string) => vars[name]

describe('loadConfig', () => {
  it('fills every default from nothing, the same ones the servers used before', () => {
    const config = loadConfig()
    expect(config).toMatchObject({
      production: false,
      port: 8000,
      host: '127.0.0.1',
      dataDir: './data',
      logLevel: 'info',
      drainMs: 10_000,
      storage: { durability: 'full' },
      auth: { issuers: [] },
      rateLimits: {},
      sharedRateLimits: false,
      limits: { maxRows: 1000, bodyBytes: 1024 * 1024, requestTimeoutMs: 30_000 },
      cors: { origins: [] },
      fhir: { alg: 'ES384', devServer: { patients: 200 } },
      plugins: [],
    })
    expect(config.storage.url).toBeUndefined()
  })

  it('rejects a typo with its path instead of ignoring it', () => {
    const result = checkConfig({ file: { limits: { maxRow: 10 }, cors: { origins: ['https://a.example'] }, rateLimit: {} } })
    expect(result.ok).toBe(false)
    expect(!result.ok && result.issues).toEqual(
      expect.arrayContaining([
        { path: 'limits.maxRow', message: 'unknown key (a typo?)' },
        { path: 'rateLimit', message: 'unknown key (a typo?)' },
      ]),
    )
    expect(() => loadConfig({ file: { limits: { maxRow: 10 } }, source: 'nexora.config.json' })).toThrow(
      expect.objectContaining({ code: 'config.invalid', message: expect.stringContaining('nexora.config.json: limits.maxRow') }),
    )
  })

  it('names the path and the variable of a value of the wrong type', () => {
    const result = checkConfig({ file: { port: 'eighty' }, get: env({ NEXORA_MAX_ROWS: 'many', NEXORA_RATE_LIMITS: 'predict=1' }) })
    expect(result.ok).toBe(false)
    const issues = !result.ok ? result.issues : []
    expect(issues.find((i) => i.path === 'port')?.message).toMatch(/number/)
    expect(issues.find((i) => i.path === 'limits.maxRows')?.message).toMatch(/\(from NEXORA_MAX_ROWS\)$/)
    expect(issues.find((i) => i.path === 'rateLimits')?.message).toBe('NEXORA_RATE_LIMITS is not JSON')
    // NEXORA_RATE_LIMITS: an unknown class, a bucket that is not positive, a bucket missing its refill, each at its path.
    for (const [value, path] of [
      ['{"predcit":{"capacity":1,"refillPerSecond":1}}', 'rateLimits.predcit'],
      ['{"predict":{"capacity":0,"refillPerSecond":1}}', 'rateLimits.predict.capacity'],
      ['{"read":{"capacity":5}}', 'rateLimits.read.refillPerSecond'],
    ]) {
      const bad = checkConfig({ get: env({ NEXORA_RATE_LIMITS: value! }) })
      expect(!bad.ok && bad.issues.map((i) => i.path), value).toContain(path)
    }
  })

  it('lays the environment over the file and the overrides over both', () => {
    const config = loadConfig({
      file: { port: 9000, limits: { maxRows: 50 }, cors: { origins: ['https://file.example'] }, auth: { jwksFile: './keys.json', issuers: ['https://file'] } },
      get: env({
        PORT: '9100',
        NEXORA_DATA_DIR: '/srv/nexora',
        NEXORA_CORS_ORIGINS: 'https://a.example, https://b.example',
        NEXORA_SHARED_RATE_LIMITS: 'true',
        NEXORA_JWKS_URL: 'https://idp.example/jwks',
        NEXORA_JWT_AUDIENCE: 'nexora',
        NEXORA_DEV_FHIR_PORT: 'off',
        NODE_ENV: 'production',
        NEXORA_RATE_LIMITS: '{"predict":{"capacity":4000,"refillPerSecond":2000}}',
        NEXORA_PLUGINS: './a.ts,nexora-plugin-b',
      }),
      overrides: { port: 0 },
    })
    expect(config).toMatchObject({
      port: 0,
      production: true,
      dataDir: '/srv/nexora',
      sharedRateLimits: true,
      limits: { maxRows: 50 },
      cors: { origins: ['https://a.example', 'https://b.example'] },
      fhir: { devServer: { port: false } },
      rateLimits: { predict: { capacity: 4000, refillPerSecond: 2000 } },
      plugins: ['./a.ts', 'nexora-plugin-b'],
      // The environment's key set replaces the file's, whichever form each used; the file's issuers stay.
      auth: { jwksUrl: 'https://idp.example/jwks', issuers: ['https://file'], audience: 'nexora' },
    })
    expect(config.auth.jwksFile).toBeUndefined()
    expect(nexoraConfigFrom(config)).toMatchObject({
      maxRows: 50,
      corsOrigins: ['https://a.example', 'https://b.example'],
      rateLimits: { predict: { capacity: 4000 } },
    })
    expect(DEFAULT_RATE_LIMITS.predict.capacity).toBeLessThan(4000)
  })

  it('refuses two key sets at once in one file', () => {
    const result = checkConfig({ file: { auth: { jwksUrl: 'https://idp.example/jwks', jwksFile: './k.json' } } })
    expect(!result.ok && result.issues).toEqual([{ path: 'auth.jwks', message: 'give one key set: jwks, jwksFile or jwksUrl' }])
  })

  it('redacts tokens, private key members and URL passwords, and keeps the rest', () => {
    const config = loadConfig({
      file: {
        storage: { url: 'postgres://nexora:s3cret@db:5432/nexora' },
        fhir: { url: 'https://fhir.example/r4', token: 'tok' },
        audit: { witnessToken: 'wt', witnesses: ['postgres://w:pw@h/db'] },
      },
      get: env({ NEXORA_JWKS: '{"keys":[{"kty":"EC","crv":"P-384","x":"x","y":"y","d":"private"}]}', NEXORA_JWT_ISSUERS: 'i', NEXORA_JWT_AUDIENCE: 'a' }),
    })
    const printed = JSON.stringify(redactConfig(config))
    for (const secret of ['s3cret', '"tok"', '"wt"', ':pw@', 'private']) expect(printed).not.toContain(secret)
    expect(redactConfig(config)).toMatchObject({
      storage: { url: 'postgres://nexora:[redacted]@db:5432/nexora' },
      fhir: { url: 'https://fhir.example/r4', token: '[redacted]' },
    })
  })
})
