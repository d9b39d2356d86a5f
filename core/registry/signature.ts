import { base64url, decodeProtectedHeader, FlattenedSign, flattenedVerify, importJWK, type JWK } from 'jose'
import { canonicalJson } from '../canonical-json.ts'
import { sha256Hex } from '../digest.ts'
import { NexoraError, safeName } from '../errors.ts'
import type { ModelManifest, ModelSignature } from '../ports/model.ts'
import { ModelSignatureSchema } from './manifest-schema.ts'

/**
 * Signed models. The signature covers the canonical JSON (RFC 8785) of the manifest without
 * `signature` and `card`, and that JSON holds `files`, the sha256 of every artifact, which the
 * registry checks on every load: so the signature binds the bytes too. It is a detached compact
 * JWS rather than a bare signature value so that its protected header binds the key id, the time
 * and the card's hash as well, a JWS of another kind signed by the same key (an audit checkpoint)
 * is told apart by `typ`, and any JOSE library can check it from the manifest and the public key.
 * The card travels outside the payload because not every loader has it (a browser fetches
 * manifest.json alone, `nexora serve` adds the README): it may be dropped, never changed.
 */

/** The JWS `typ` of a model signature. */
export const MODEL_SIGNATURE_TYP = 'nexora-model+jws'

export type ModelSignatureAlgorithm = ModelSignature['alg']

/** When an unsigned version is refused: never, when it is to serve patients (promotion, canary), or on every load. */
export type SignatureRequirement = 'off' | 'production' | 'always'

export interface SignaturePolicyOptions {
  /** Public JWKs (Ed25519 or P-384, each with its `kid`) whose signatures are accepted. Several: rotation. */
  trustedKeys?: readonly JWK[]
  /** Default `production`. A present signature is verified whatever this says. */
  require?: SignatureRequirement
}

const encoder = new TextEncoder()
const label = (m: ModelManifest) => `${safeName(String(m.name))}@${safeName(String(m.version))}`
const invalid = (m: ModelManifest, why: string): never => {
  throw new NexoraError('model.signature_invalid', { detail: `${label(m)}: ${why}` })
}
const badKey = (detail: string): never => {
  throw new NexoraError('model.signing_key_invalid', { detail })
}

/** The algorithm a key signs with (Ed25519 → EdDSA, P-384 → ES384); any other key is refused. */
function algorithmOf(jwk: JWK, role: string): ModelSignatureAlgorithm {
  const alg = jwk.kty === 'OKP' && jwk.crv === 'Ed25519' ? 'EdDSA' : jwk.kty === 'EC' && jwk.crv === 'P-384' ? 'ES384' : undefined
  if (!alg || typeof jwk.kid !== 'string' || jwk.kid === '') return badKey(`${role} must be an Ed25519 (OKP) or P-384 (EC) JWK with a kid`)
  return alg
}

// Only the key material goes to WebCrypto: `alg`, `use` or `key_ops` written for another purpose would fail the import.
const members = (jwk: JWK, names: (keyof JWK)[]) => Object.fromEntries(names.filter((n) => jwk[n] !== undefined).map((n) => [n, jwk[n]])) as JWK

/** What a signature covers: the manifest without `signature` and `card`, as canonical JSON. */
export function signingPayload(manifest: ModelManifest): string {
  const { signature: _signature, card: _card, ...signed } = manifest
  return canonicalJson(signed)
}

/**
 * Sign a manifest with a private Ed25519 or P-384 JWK (with its `kid`). The manifest must list its
 * files' sha256 (`files`), as it will be registered; its `card`, if any, is bound by hash.
 * @example
 * const signed = { ...manifest, signature: await signManifest(manifest, privateJwk) }
 */
export async function signManifest(manifest: ModelManifest, privateJwk: JWK, options: { signedAt?: Date | string } = {}): Promise<ModelSignature> {
  const alg = algorithmOf(privateJwk, 'the signing key')
  if (typeof privateJwk.d !== 'string') badKey('the signing key must be a private JWK (with "d")')
  if (!manifest.files || Object.keys(manifest.files).length === 0)
    throw new NexoraError('model.invalid_manifest', { detail: `${label(manifest)}: a signed manifest lists its files' sha256 ("files"), which bind the bytes` })
  const key = await importJWK(members(privateJwk, ['kty', 'crv', 'x', 'y', 'd']), alg).catch(() => badKey('the signing key does not import'))
  const signedAt = new Date(options.signedAt ?? Date.now()).toISOString()
  const cardSha256 = manifest.card === undefined ? undefined : await sha256Hex(manifest.card)
  const fields = { alg, kid: privateJwk.kid!, signedAt, ...(cardSha256 ? { cardSha256 } : {}) }
  const jws = await new FlattenedSign(encoder.encode(signingPayload(manifest))).setProtectedHeader({ ...fields, typ: MODEL_SIGNATURE_TYP }).sign(key)
  return { ...fields, jws: `${jws.protected}..${jws.signature}` }
}

interface TrustedKey {
  alg: ModelSignatureAlgorithm
  jwk: JWK
  key?: Promise<CryptoKey>
}

/** The trusted keys by kid, checked up front so a bad configuration fails at start, not at the first load. */
function trustStore(keys: readonly JWK[]): Map<string, TrustedKey> {
  const store = new Map<string, TrustedKey>()
  for (const jwk of keys) {
    const alg = algorithmOf(jwk, 'a trusted model key')
    const pub = members(jwk, ['kty', 'crv', 'x', 'y'])
    const known = store.get(jwk.kid!)
    // The same key twice (configured and trusted in dev mode, say) is one key; two keys under one kid are ambiguous.
    if (known && canonicalJson(known.jwk) !== canonicalJson(pub)) badKey(`two trusted model keys share the kid "${safeName(jwk.kid!)}"`)
    if (!known) store.set(jwk.kid!, { alg, jwk: pub })
  }
  return store
}

async function verifyWith(store: Map<string, TrustedKey>, manifest: ModelManifest): Promise<ModelSignature> {
  if (manifest.signature === undefined) throw new NexoraError('model.unsigned', { detail: `${label(manifest)} has no signature` })
  const parsed = ModelSignatureSchema.safeParse(manifest.signature)
  if (!parsed.success) return invalid(manifest, 'the signature is malformed')
  const signature = parsed.data
  const [protectedHeader, , value] = signature.jws.split('.') as [string, string, string]
  let header: Record<string, unknown>
  try {
    header = decodeProtectedHeader({ protected: protectedHeader })
  } catch {
    return invalid(manifest, 'the signature header is malformed')
  }
  if (header.typ !== MODEL_SIGNATURE_TYP) invalid(manifest, 'not a Nexora model signature')
  for (const field of ['alg', 'kid', 'signedAt', 'cardSha256'] as const) {
    if (header[field] !== signature[field]) invalid(manifest, `the signature's "${field}" differs from its signed header`)
  }
  const trusted = store.get(signature.kid)
  if (!trusted) {
    throw new NexoraError('model.signature_untrusted', { detail: `${label(manifest)} is signed by key "${safeName(signature.kid)}", which is not trusted` })
  }
  if (trusted.alg !== signature.alg) invalid(manifest, `the trusted key "${safeName(signature.kid)}" does not sign with ${signature.alg}`)
  trusted.key ??= importJWK(trusted.jwk, trusted.alg).then(
    (key) => key as unknown as CryptoKey,
    () => badKey(`the trusted model key "${safeName(signature.kid)}" does not import`),
  )
  const key = await trusted.key
  const payload = base64url.encode(encoder.encode(signingPayload(manifest)))
  const verified = await flattenedVerify({ protected: protectedHeader, payload, signature: value }, key, { algorithms: [trusted.alg] }).then(
    () => true,
    () => false,
  )
  if (!verified) invalid(manifest, 'the signature does not verify: the manifest or its files changed after signing, or another key signed it')
  if (manifest.card !== undefined) {
    if (!signature.cardSha256) invalid(manifest, 'the model card was added after signing')
    if ((await sha256Hex(manifest.card)) !== signature.cardSha256) invalid(manifest, 'the model card changed after signing')
  }
  return signature
}

/**
 * Check a manifest's signature against trusted public keys and return it. An unsigned manifest
 * throws `model.unsigned`, an unknown kid `model.signature_untrusted`, anything else that does not
 * hold `model.signature_invalid`.
 * @example
 * await verifyManifestSignature(stored.manifest, [publicJwk])
 */
export function verifyManifestSignature(manifest: ModelManifest, trustedKeys: readonly JWK[]): Promise<ModelSignature> {
  return verifyWith(trustStore(trustedKeys), manifest)
}

/**
 * The registry's `verify` hook: a present signature is always verified; an unsigned version is
 * refused on load with `require: 'always'`, and before it serves patients (purpose `production`)
 * with `production` or `always`.
 * @example
 * createRegistry({ store, plugins, clock, verify: signaturePolicy({ trustedKeys: [publicJwk], require: 'always' }) })
 */
export function signaturePolicy(options: SignaturePolicyOptions = {}): (manifest: ModelManifest, purpose: 'load' | 'production') => Promise<void> {
  const store = trustStore(options.trustedKeys ?? [])
  const require = options.require ?? 'production'
  return async (manifest, purpose) => {
    if (manifest.signature !== undefined) {
      await verifyWith(store, manifest)
      return
    }
    if (require === 'always' || (require === 'production' && purpose === 'production')) {
      const where = purpose === 'load' ? 'every version is' : 'a version that serves patients is'
      throw new NexoraError('model.unsigned', { detail: `${label(manifest)} is unsigned, and ${where} required to be signed (requireSignature "${require}")` })
    }
  }
}
