import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashFiles } from '../../core/index.ts'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-models-sign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const db = `file:${join(dir, 'cli.db')}`
const nexora = cliRunner({ env: { NEXORA_DB: db, NODE_ENV: 'development' } })
const SHIPPED = new URL('../../models/readmission-risk/', import.meta.url).pathname
const at = (...parts: string[]) => join(dir, ...parts)
const json = (text: string) => JSON.parse(text) as Record<string, unknown>

/** A copy of the shipped demo model to sign, verify and tamper with. */
function copyModel(name: string) {
  const copy = at(name)
  cpSync(SHIPPED, copy, { recursive: true, filter: (src) => !/\.(ts|csv)$/.test(src) })
  return copy
}

describe('nexora keys generate, models sign and models verify', () => {
  it('generates a key pair: the private JWK to a 0600 file it never overwrites, the public one on stdout', async () => {
    const out = await nexora('keys', 'generate', '--out', at('site.jwk'), '--alg', 'ES384', '--kid', 'site-2026')
    expect(out.code).toBe(0)
    expect(json(out.stdout)).toMatchObject({ kty: 'EC', crv: 'P-384', kid: 'site-2026' })
    expect(json(out.stdout).d).toBeUndefined()
    writeFileSync(at('site.pub.jwk'), out.stdout)
    expect(json(readFileSync(at('site.jwk'), 'utf8'))).toMatchObject({ kid: 'site-2026', d: expect.any(String) })
    expect(statSync(at('site.jwk')).mode & 0o777).toBe(0o600)
    const again = await nexora('keys', 'generate', '--out', at('site.jwk'))
    expect([again.code, again.stderr.includes('refusing to overwrite')]).toEqual([2, true])
    const other = await nexora('keys', 'generate', '--out', at('other.jwk'), '--alg', 'Ed25519', '--kid', 'other')
    expect(json(other.stdout)).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    writeFileSync(at('other.pub.jwk'), other.stdout)
  })

  it('signs a model directory in place, changing nothing but the signature, and verifies it with the public key', async () => {
    const model = copyModel('signed')
    const before = json(readFileSync(join(model, 'manifest.json'), 'utf8'))
    const signed = await nexora('models', 'sign', '--key', at('site.jwk'), model)
    expect(signed.code, signed.stderr).toBe(0)
    expect(json(signed.stdout)).toMatchObject({ ok: true, kid: 'site-2026', alg: 'ES384' })
    const { signature, ...after } = json(readFileSync(join(model, 'manifest.json'), 'utf8'))
    const { signature: _demo, ...unsigned } = before
    expect(after).toEqual(unsigned)
    expect(signature).toMatchObject({ kid: 'site-2026', cardSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })

    const verified = await nexora('models', 'verify', '--keys', `${at('other.pub.jwk')},${at('site.pub.jwk')}`, join(model, 'manifest.json'))
    expect([verified.code, json(verified.stdout)]).toEqual([0, expect.objectContaining({ ok: true, model: 'readmission-risk', kid: 'site-2026' })])
    const wrongKey = await nexora('models', 'verify', '--keys', at('other.pub.jwk'), model)
    expect([wrongKey.code, json(wrongKey.stdout).code]).toEqual([1, 'model.signature_untrusted'])
  })

  it('refuses a tampered artifact: with its recorded hash left, and with the hash rewritten to match', async () => {
    const model = copyModel('tampered')
    expect((await nexora('models', 'sign', '--key', at('site.jwk'), model)).code).toBe(0)
    const file = join(model, 'model.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace('"intercept":-1.13', '"intercept":2.13'))
    const corrupt = await nexora('models', 'verify', '--keys', at('site.pub.jwk'), model)
    expect([corrupt.code, json(corrupt.stdout).code]).toEqual([1, 'model.artifact_corrupt'])
    const manifestPath = join(model, 'manifest.json')
    const manifest = json(readFileSync(manifestPath, 'utf8'))
    const files = await hashFiles({ 'model.json': readFileSync(file), 'profile.json': readFileSync(join(model, 'profile.json')) })
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, files }))
    const forged = await nexora('models', 'verify', '--keys', at('site.pub.jwk'), model)
    expect([forged.code, json(forged.stdout).code]).toEqual([1, 'model.signature_invalid'])
    // Signing refuses to vouch for hashes the files beside them do not have.
    writeFileSync(file, `${readFileSync(file, 'utf8')} `)
    const stale = await nexora('models', 'sign', '--key', at('site.jwk'), model)
    expect([stale.code, json(stale.stdout).code]).toEqual([1, 'model.artifact_corrupt'])
  })

  it('verifies a registered version in the database, by default with the keys the server trusts (the demo key in dev mode)', async () => {
    expect((await nexora('models', 'list')).code).toBe(0) // registers the demo models in the database
    const dev = await nexora('models', 'verify', 'readmission-risk@1.0.0', '--db', db)
    expect([dev.code, json(dev.stdout)]).toEqual([0, expect.objectContaining({ ok: true, kid: 'nexora-demo-models-not-for-production' })])
    const shipped = await nexora('models', 'verify', SHIPPED)
    expect(shipped.code, shipped.stdout).toBe(0)
    const site = await nexora('models', 'verify', '--keys', at('site.pub.jwk'), 'readmission-risk')
    expect([site.code, json(site.stdout).code]).toEqual([1, 'model.signature_untrusted'])
  })

  it('answers a missing key or target with usage', async () => {
    expect((await nexora('models', 'sign', at('signed'))).code).toBe(2)
    expect((await nexora('models', 'sign', '--key', at('site.pub.jwk'), at('signed'))).stderr).toContain('no private key')
    expect((await nexora('models', 'verify', '--keys', at('site.pub.jwk'))).code).toBe(2)
  })
})
