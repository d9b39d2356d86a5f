import { compactVerify, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { NexoraError } from '../errors.ts'
import type { AuditCheckpoint, CheckpointSigner, SignedCheckpoint } from '../ports/audit.ts'

/**
 * Signed checkpoints. A plain checkpoint lives in the database it vouches for, so whoever can
 * rewrite the rows can rewrite it too. Signed with a key that is not in the database, and copied
 * to a witness outside it, a checkpoint catches a truncated tail, deleted checkpoints, and rows
 * edited and re-chained up to it. Each one is a compact JWS (RFC 7515), checkable by any JOSE
 * library with the public key alone.
 */

/** The JWS `typ` of a checkpoint: a token of another kind signed by the same key is not one. */
export const CHECKPOINT_TYP = 'nexora-audit-checkpoint+jws'

export type CheckpointAlgorithm = 'EdDSA' | 'ES384'

const ALGORITHMS: Record<CheckpointAlgorithm, { generate: string; sign: AlgorithmIdentifier | EcdsaParams }> = {
  EdDSA: { generate: 'Ed25519', sign: { name: 'Ed25519' } },
  ES384: { generate: 'ES384', sign: { name: 'ECDSA', hash: 'SHA-384' } },
}

const encoder = new TextEncoder()
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/**
 * A signer from a private JWK (Ed25519 as `EdDSA`, or P-384 as `ES384`), through WebCrypto. A key
 * held in a KMS or HSM is a CheckpointSigner of your own: `sign` gets the JWS signing input.
 * @example
 * const signer = await keyCheckpointSigner(JSON.parse(await readFile('audit-signing-key.json', 'utf8')))
 */
export async function keyCheckpointSigner(jwk: JWK): Promise<CheckpointSigner & { publicJwk: JWK }> {
  const alg: CheckpointAlgorithm = jwk.kty === 'OKP' && jwk.crv === 'Ed25519' ? 'EdDSA' : jwk.kty === 'EC' && jwk.crv === 'P-384' ? 'ES384' : invalidKey()
  if (!jwk.d || !jwk.kid) invalidKey()
  const key = await importJWK(jwk, alg)
  // An EC or OKP JWK always imports as a CryptoKey (bytes are for symmetric `oct` keys).
  if (key instanceof Uint8Array) invalidKey()
  const { d: _private, key_ops: _ops, ...publicJwk } = jwk
  return {
    kid: jwk.kid!,
    alg,
    publicJwk: { ...publicJwk, alg, use: 'sig' },
    // WebCrypto's ECDSA signature is the raw r‖s that JWS expects.
    sign: async (input) => new Uint8Array(await crypto.subtle.sign(ALGORITHMS[alg].sign, key, input as Uint8Array<ArrayBuffer>)),
  }
}

function invalidKey(): never {
  throw new NexoraError('audit.signing_unavailable', { detail: 'the checkpoint signing key must be a private Ed25519 (OKP) or P-384 (EC) JWK with a kid' })
}

/**
 * A new signing key pair as JWKs: keep the private one out of the database (a file of its own,
 * mode 0600, or a KMS), and give the public one to whoever verifies.
 * @example
 * const { privateJwk, publicJwk } = await generateCheckpointKey('EdDSA', 'audit-2026')
 */
export async function generateCheckpointKey(alg: CheckpointAlgorithm = 'EdDSA', kid = `audit-${Date.now()}`): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHMS[alg].generate, { extractable: true })
  return { privateJwk: { ...(await exportJWK(privateKey)), kid, alg }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

/** Sign a checkpoint: its seq, hash and time, as a compact JWS. */
export async function signCheckpoint(checkpoint: AuditCheckpoint, signer: CheckpointSigner): Promise<SignedCheckpoint> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: CHECKPOINT_TYP })))
  const payload = base64url(encoder.encode(JSON.stringify({ seq: checkpoint.seq, hash: checkpoint.hash, ts: checkpoint.ts })))
  const signature = await signer.sign(encoder.encode(`${header}.${payload}`))
  return { seq: checkpoint.seq, hash: checkpoint.hash, ts: checkpoint.ts, kid: signer.kid, jws: `${header}.${payload}.${base64url(signature)}` }
}

/**
 * Check a signed checkpoint against trusted public keys and return what it vouches for. A bad
 * signature, an unknown `kid`, another `typ` or a malformed payload throw `audit.checkpoint_invalid`.
 */
export async function openCheckpoint(jws: string, publicKeys: readonly JWK[]): Promise<SignedCheckpoint> {
  const invalid = (detail: string): never => {
    throw new NexoraError('audit.checkpoint_invalid', { detail })
  }
  try {
    const { payload, protectedHeader } = await compactVerify(
      jws.trim(),
      async (header) => {
        if (header.typ !== CHECKPOINT_TYP) invalid('not a Nexora audit checkpoint')
        const jwk = publicKeys.find((k) => k.kid === header.kid) ?? invalid('signed by a key that is not trusted')
        if (header.alg !== 'EdDSA' && header.alg !== 'ES384') invalid('unsupported algorithm')
        return importJWK({ ...jwk, alg: header.alg }, header.alg)
      },
      { algorithms: ['EdDSA', 'ES384'] },
    )
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Partial<AuditCheckpoint>
    if (!Number.isSafeInteger(claims.seq) || typeof claims.hash !== 'string' || !/^[0-9a-f]{64}$/.test(claims.hash) || typeof claims.ts !== 'string')
      invalid('malformed checkpoint payload')
    return { seq: claims.seq!, hash: claims.hash!, ts: claims.ts!, kid: protectedHeader.kid!, jws: jws.trim() }
  } catch (error) {
    if (error instanceof NexoraError) throw error
    return invalid('the signature does not verify')
  }
}
