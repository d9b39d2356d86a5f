import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { loadOrCreateDevIdentity } from '../../bin/dev-identity.ts'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, json: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(json))
  return path
}
// Only what each case sets configures it: a NEXORA_* variable in the shell must not leak in.
const clean = Object.fromEntries(
  Object.keys(process.env)
    .filter((k) => k.startsWith('NEXORA_') || k === 'PORT' || k === 'HOST')
    .map((k) => [k, '']),
)
const nexora = (env: Record<string, string> = {}) => cliRunner({ env: { ...clean, ...env } })

describe('nexora config', () => {
  it('check: exit 0 for a valid file; exit 1 with each problem at its path, the variable named when it set the value', { timeout: 60_000 }, async () => {
    const good = file('good.json', { port: 9000, rateLimits: { predict: { capacity: 4000, refillPerSecond: 2000 } }, sharedRateLimits: true })
    const ok = await nexora()('config', 'check', '--config', good)
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `${good}: the configuration is valid`])

    const typo = file('typo.json', { limits: { maxRow: 10 }, cors: { origin: ['https://a.example'] } })
    const bad = await nexora({ NEXORA_REQUEST_TIMEOUT_MS: 'soon' })('config', 'check', '--config', typo)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain(`${typo}: the configuration is invalid`)
    expect(bad.stderr).toContain('  limits.maxRow: unknown key (a typo?)')
    expect(bad.stderr).toContain('  cors.origin: unknown key (a typo?)')
    expect(bad.stderr).toMatch(/ {2}limits\.requestTimeoutMs: .*\(from NEXORA_REQUEST_TIMEOUT_MS\)/)

    const missing = await nexora()('config', 'check', '--config', join(dir, 'nope.json'))
    expect([missing.code, missing.stderr.includes('cannot read the configuration file')]).toEqual([2, true])
  })

  it('print: the effective configuration with defaults and environment overrides, secrets redacted', { timeout: 60_000 }, async () => {
    const path = file('secrets.json', {
      storage: { url: 'postgres://nexora:hunter2@db/nexora' },
      fhir: { url: 'https://fhir.example/r4', token: 'fhir-secret' },
    })
    const out = await nexora({ NEXORA_AUDIT_WITNESS_TOKEN: 'witness-secret', NEXORA_MAX_ROWS: '250' })('config', 'print', '--config', path)
    expect(out.code).toBe(0)
    for (const secret of ['hunter2', 'fhir-secret', 'witness-secret']) expect(out.stdout).not.toContain(secret)
    expect(JSON.parse(out.stdout)).toMatchObject({
      port: 8000,
      limits: { maxRows: 250 },
      storage: { url: 'postgres://nexora:[redacted]@db/nexora' },
      fhir: { url: 'https://fhir.example/r4', token: '[redacted]' },
      audit: { witnessToken: '[redacted]' },
    })
  })

  it('serve refuses an invalid configuration before it starts anything, with exit 1 and the path', { timeout: 60_000 }, async () => {
    const out = await nexora({ NEXORA_DATA_DIR: dir })(
      'serve',
      '--config',
      file('serve-typo.json', { rateLimits: { predict: { capacity: 1, refillPerSecond: 1, burst: 2 } } }),
    )
    expect(out.code).toBe(1)
    expect(out.stderr).toContain('config.invalid')
    expect(out.stderr).toContain('  rateLimits.predict.burst: unknown key (a typo?)')
  })
})

describe('a configuration module', () => {
  it('nexora.config.ts: its default export is checked like a JSON file', { timeout: 60_000 }, async () => {
    // A TypeScript module in an ESM package ("type": "module"), as in a project that imports nexora.
    mkdirSync(join(dir, 'app'), { recursive: true })
    writeFileSync(join(dir, 'app', 'package.json'), '{"type":"module"}')
    const typed = join(dir, 'app', 'nexora.config.ts')
    const core = new URL('../../core/index.ts', import.meta.url).pathname
    writeFileSync(typed, `import type { ServerConfigInput } from '${core}'\nexport default { limits: { maxRows: 42 } } satisfies ServerConfigInput\n`)
    const out = await nexora()('config', 'print', '--config', typed)
    expect(out.code).toBe(0)
    expect(JSON.parse(out.stdout)).toMatchObject({ limits: { maxRows: 42 } })
    writeFileSync(typed, 'export default { limits: { maxRow: 42 } }\n')
    const bad = await nexora()('config', 'check', '--config', typed)
    expect([bad.code, bad.stderr.includes('limits.maxRow: unknown key')]).toEqual([1, true])
  })
})

describe('nexora config schema', () => {
  it('prints a JSON Schema that refuses unknown keys, for editors', { timeout: 60_000 }, async () => {
    const out = await nexora()('config', 'schema')
    expect(out.code).toBe(0)
    const schema = JSON.parse(out.stdout) as { additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> }
    expect(schema.additionalProperties).toBe(false)
    expect(schema.properties.limits!.additionalProperties).toBe(false)
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['auth', 'rateLimits', 'sharedRateLimits', 'plugins']))
  })
})

describe('nexora keys dev', () => {
  it('makes the dev key pair and a dev token in the data directory without a server, and keeps them on a second run', { timeout: 60_000 }, async () => {
    const data = join(dir, 'data')
    const first = await nexora({ NEXORA_DATA_DIR: data })('keys', 'dev')
    expect([first.code, first.stdout.trim()]).toEqual([0, join(data, 'dev-token')])
    expect(statSync(join(data, 'dev-keys.json')).mode & 0o777).toBe(0o600)
    const token = readFileSync(join(data, 'dev-token'), 'utf8').trim()
    expect(decodeJwt(token)).toMatchObject({ iss: 'urn:nexora:dev', aud: 'nexora', sub: 'dev-user' })
    const again = await nexora()('keys', 'dev', '--data-dir', data, '--print')
    expect([again.code, again.stdout.trim()]).toEqual([0, token])
  })
})

describe('nexora keys token', () => {
  it('signs a token for another principal with the dev key, which the dev key set verifies', { timeout: 60_000 }, async () => {
    const data = join(dir, 'token-data')
    const run = await nexora({ NEXORA_DATA_DIR: data })('keys', 'token', '--sub', 'reviewer', '--scope', 'nexora/models.approve')
    expect(run.code).toBe(0)
    const token = run.stdout.trim()
    const { jwks } = await loadOrCreateDevIdentity(data)
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'urn:nexora:dev', audience: 'nexora' })
    expect(payload).toMatchObject({ sub: 'reviewer', scope: 'nexora/models.approve' })
    expect((await nexora({ NEXORA_DATA_DIR: data })('keys', 'token', '--sub', 'reviewer')).code).toBe(2)
  })
})
