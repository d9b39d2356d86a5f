import { describe, expect, it } from 'vitest'
import {
  createNexora,
  DEMO_MODEL_KEY,
  generateCheckpointKey,
  hashFiles,
  keyCheckpointSigner,
  loadConfig,
  memoryStorage,
  nexoraConfigFrom,
  signaturePolicy,
  signCheckpoint,
  signManifest,
  verifyManifestSignature,
  withTrustedKeysFile,
  type ModelManifest,
  type SignaturePolicyOptions,
} from '../../core/index.ts'
import { readmissionRisk } from '../../models/readmission-risk/bundled.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'

const ed = await generateCheckpointKey('EdDSA', 'site-ed-2026')
const ec = await generateCheckpointKey('ES384', 'site-ec-2026')
const other = await generateCheckpointKey('EdDSA', 'someone-else')
// The bundled demo model, without its card and signature: each test signs what it needs.
const unsigned: ModelManifest = (({ signature: _s, card: _c, ...rest }) => rest)(readmissionRisk.manifest)
const withCard: ModelManifest = { ...unsigned, card: readmissionRisk.manifest.card }
const signed: ModelManifest = { ...withCard, signature: await signManifest(withCard, ed.privateJwk) }
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )

describe('signManifest / verifyManifestSignature', () => {
  it('signs with Ed25519 and P-384 through WebCrypto, and the signature verifies under the matching public key only', async () => {
    for (const key of [ed, ec]) {
      const signature = await signManifest(unsigned, key.privateJwk)
      expect(signature).toMatchObject({ alg: key.privateJwk.alg, kid: key.privateJwk.kid, jws: expect.stringMatching(/^[\w-]+\.\.[\w-]+$/) })
      expect(await verifyManifestSignature({ ...unsigned, signature }, [ed.publicJwk, ec.publicJwk])).toEqual(signature)
    }
  })

  it('refuses any change to the signed fields, the file hashes included, as model.signature_invalid', async () => {
    const signature = await signManifest(unsigned, ed.privateJwk)
    const keys = [ed.publicJwk]
    const changed: ModelManifest[] = [
      { ...unsigned, threshold: 0.31 },
      { ...unsigned, files: { ...unsigned.files, 'model.json': '0'.repeat(64) } },
      { ...unsigned, inputs: unsigned.inputs.slice(1) },
      { ...unsigned, appliesToDeceased: true } as ModelManifest,
    ]
    for (const manifest of changed) expect(await codeOf(verifyManifestSignature({ ...manifest, signature }, keys))).toBe('model.signature_invalid')
    // Key order and whitespace are not part of what is signed (canonical JSON).
    const reordered = Object.fromEntries(Object.entries(unsigned).reverse()) as ModelManifest
    expect(await codeOf(verifyManifestSignature({ ...reordered, signature }, keys))).toBe('ok')
  })

  it('binds the card by hash: it may be dropped, not added or changed', async () => {
    const signature = await signManifest({ ...unsigned, card: '# Card' }, ed.privateJwk)
    expect(signature.cardSha256).toMatch(/^[0-9a-f]{64}$/)
    const keys = [ed.publicJwk]
    expect(await codeOf(verifyManifestSignature({ ...unsigned, card: '# Card', signature }, keys))).toBe('ok')
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature }, keys))).toBe('ok')
    expect(await codeOf(verifyManifestSignature({ ...unsigned, card: '# Card, edited', signature }, keys))).toBe('model.signature_invalid')
    const cardless = await signManifest(unsigned, ed.privateJwk)
    expect(await codeOf(verifyManifestSignature({ ...unsigned, card: '# Added', signature: cardless }, keys))).toBe('model.signature_invalid')
  })

  it('tells an unknown key (untrusted) from a wrong key under a trusted kid (invalid)', async () => {
    const byOther = await signManifest(unsigned, other.privateJwk)
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature: byOther }, [ed.publicJwk]))).toBe('model.signature_untrusted')
    const impostor = await signManifest(unsigned, { ...other.privateJwk, kid: ed.privateJwk.kid })
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature: impostor }, [ed.publicJwk]))).toBe('model.signature_invalid')
    // The readable fields are checked against the signed header: relabelling the kid does not pass.
    const genuine = await signManifest(unsigned, ed.privateJwk)
    const relabelled = { ...genuine, kid: ec.privateJwk.kid! }
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature: relabelled }, [ed.publicJwk, ec.publicJwk]))).toBe('model.signature_invalid')
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature: { ...genuine, alg: 'ES384' } }, [ed.publicJwk]))).toBe('model.signature_invalid')
  })

  it('refuses an audit checkpoint JWS by the same key, a malformed signature and an unsigned manifest', async () => {
    const checkpoint = await signCheckpoint({ seq: 1, hash: 'a'.repeat(64), ts: '2026-01-01T00:00:00.000Z' }, await keyCheckpointSigner(ed.privateJwk))
    const [header, , value] = checkpoint.jws.split('.')
    const genuine = await signManifest(unsigned, ed.privateJwk)
    const asModel = { ...genuine, jws: `${header}..${value}` }
    expect(await codeOf(verifyManifestSignature({ ...unsigned, signature: asModel }, [ed.publicJwk]))).toBe('model.signature_invalid')
    const malformed = { ...unsigned, signature: { alg: 'EdDSA', kid: 'x' } } as unknown as ModelManifest
    expect(await codeOf(verifyManifestSignature(malformed, [ed.publicJwk]))).toBe('model.signature_invalid')
    expect(await codeOf(verifyManifestSignature(unsigned, [ed.publicJwk]))).toBe('model.unsigned')
  })

  it('refuses unusable keys up front: no kid, another curve, a public key to sign with, two keys under one kid', async () => {
    const p256 = { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'p256' }
    expect(() => signaturePolicy({ trustedKeys: [{ ...ed.publicJwk, kid: undefined }] })).toThrow(
      expect.objectContaining({ code: 'model.signing_key_invalid' }),
    )
    expect(() => signaturePolicy({ trustedKeys: [p256] })).toThrow(expect.objectContaining({ code: 'model.signing_key_invalid' }))
    expect(() => signaturePolicy({ trustedKeys: [ed.publicJwk, { ...other.publicJwk, kid: ed.publicJwk.kid }] })).toThrow(
      expect.objectContaining({ code: 'model.signing_key_invalid' }),
    )
    expect(() => signaturePolicy({ trustedKeys: [DEMO_MODEL_KEY, { ...DEMO_MODEL_KEY }] })).not.toThrow()
    expect(await codeOf(signManifest(unsigned, ed.publicJwk))).toBe('model.signing_key_invalid')
    expect(await codeOf(signManifest({ ...unsigned, files: undefined }, ed.privateJwk))).toBe('model.invalid_manifest')
  })
})

describe('signaturePolicy', () => {
  it('refuses an unsigned version per requirement and purpose, and verifies a present signature whatever it says', async () => {
    const outcomes: Record<string, string[]> = {}
    for (const require of ['off', 'production', 'always'] as const) {
      const verify = signaturePolicy({ trustedKeys: [ed.publicJwk], require })
      outcomes[require] = [await codeOf(verify(unsigned, 'load')), await codeOf(verify(unsigned, 'production'))]
    }
    expect(outcomes).toEqual({
      off: ['ok', 'ok'],
      production: ['ok', 'model.unsigned'],
      always: ['model.unsigned', 'model.unsigned'],
    })
    const byOther = { ...unsigned, signature: await signManifest(unsigned, other.privateJwk) }
    expect(await codeOf(signaturePolicy({ trustedKeys: [ed.publicJwk], require: 'off' })(byOther, 'load'))).toBe('model.signature_untrusted')
  })
})

describe('the registry with a signature policy', () => {
  const open = (modelSignatures: SignaturePolicyOptions) => createNexora({ plugins: [memoryStorage(), linearModel()], config: { modelSignatures } })
  const caller = { subject: 't', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
  const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
  const predict = (nexora: Awaited<ReturnType<typeof open>>, model = 'readmission-risk') => nexora.predict({ model, rows: [{ features }] }, caller)

  it('loads and scores a validly signed version (signed with its card)', async () => {
    const nexora = await open({ trustedKeys: [DEMO_MODEL_KEY, ed.publicJwk], require: 'always' })
    await nexora.registry.register(signed, readmissionRisk.files)
    expect((await predict(nexora)).predictions[0]!.score).toBeGreaterThan(0)
    await nexora.close()
  })

  it('refuses a tampered model.json whose hash was updated in the manifest, over HTTP too (500 model.signature_invalid)', async () => {
    const nexora = await open({ trustedKeys: [ed.publicJwk] })
    const text = new TextDecoder().decode(readmissionRisk.files['model.json'])
    const files = { ...readmissionRisk.files, 'model.json': new TextEncoder().encode(text.replace('"intercept":-1.13', '"intercept":2.13')) }
    expect(files['model.json']).not.toEqual(readmissionRisk.files['model.json'])
    // The attacker rewrites the recorded sha256 too, so only the signature stands in the way.
    await nexora.registry.register({ ...signed, files: await hashFiles(files) }, files)
    expect(await codeOf(predict(nexora))).toBe('model.signature_invalid')
    const res = await nexora.fetch(
      new Request('http://nexora.test/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'readmission-risk', rows: [{ features }] }),
      }),
    )
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([500, 'model.signature_invalid'])
    await nexora.close()
  })

  it('refuses a version signed by a key it does not trust (model.signature_untrusted)', async () => {
    const nexora = await open({ trustedKeys: [DEMO_MODEL_KEY, ec.publicJwk], require: 'off' })
    await nexora.registry.register(signed, readmissionRisk.files)
    expect(await codeOf(predict(nexora))).toBe('model.signature_untrusted')
    await nexora.close()
  })

  it('serves an unsigned version under "production" but refuses it before production; "always" refuses the load', async () => {
    const lenient = await open({ trustedKeys: [ed.publicJwk], require: 'production' })
    const stored = await lenient.registry.register(unsigned, readmissionRisk.files)
    expect(await codeOf(predict(lenient))).toBe('ok')
    expect(await codeOf(lenient.registry.check(stored.manifest, 'production'))).toBe('model.unsigned')
    await lenient.close()
    const strict = await open({ trustedKeys: [ed.publicJwk], require: 'always' })
    await strict.registry.register(unsigned, readmissionRisk.files)
    expect(await codeOf(predict(strict))).toBe('model.unsigned')
    await strict.close()
  })
})

describe('configuration', () => {
  it('trusts the demo key in dev mode only, and requires signatures for production by default in production', () => {
    expect(nexoraConfigFrom(loadConfig({})).modelSignatures).toEqual({ trustedKeys: [DEMO_MODEL_KEY], require: 'off' })
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      NEXORA_MODEL_TRUSTED_KEYS: JSON.stringify({ keys: [ed.publicJwk] }),
    }
    expect(nexoraConfigFrom(loadConfig({ get: (n) => env[n] })).modelSignatures).toEqual({ trustedKeys: [ed.publicJwk], require: 'production' })
    env.NEXORA_MODEL_REQUIRE_SIGNATURE = 'always'
    expect(nexoraConfigFrom(loadConfig({ get: (n) => env[n] })).modelSignatures?.require).toBe('always')
    env.NEXORA_MODEL_REQUIRE_SIGNATURE = 'sometimes'
    expect(() => loadConfig({ get: (n) => env[n] })).toThrow(/models\.requireSignature/)
  })

  it('reads models.trustedKeysFile where there are files, and refuses it unread (a Worker has none)', async () => {
    const files: Record<string, string> = { 'set.json': JSON.stringify({ keys: [ec.publicJwk] }), 'one.json': JSON.stringify(other.publicJwk) }
    const read = async (path: string) => files[path] ?? Promise.reject(new Error('ENOENT'))
    for (const [file, key] of [
      ['set.json', ec.publicJwk],
      ['one.json', other.publicJwk],
    ] as const) {
      const config = loadConfig({
        overrides: { production: true, models: { trustedKeys: { keys: [ed.publicJwk as { kty: string }] }, trustedKeysFile: file } },
      })
      expect(() => nexoraConfigFrom(config)).toThrow(expect.objectContaining({ code: 'config.invalid' }))
      expect(nexoraConfigFrom(await withTrustedKeysFile(config, read)).modelSignatures?.trustedKeys).toEqual([ed.publicJwk, key])
    }
    const missing = loadConfig({ overrides: { models: { trustedKeysFile: 'nope.json' } } })
    expect(await codeOf(withTrustedKeysFile(missing, read))).toBe('config.invalid')
  })
})
