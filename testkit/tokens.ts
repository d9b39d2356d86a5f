import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

export interface TestKey {
  kid: string
  alg: 'ES384' | 'RS384'
  privateKey: CryptoKey
  jwk: JWK
}

export async function makeKey(alg: 'ES384' | 'RS384', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

export const ISSUER = 'https://idp.test'
export const AUDIENCE = 'nexora-test'

export interface Claims {
  sub?: string
  scope?: string
  iss?: string
  aud?: string
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  [claim: string]: unknown
}

/** Sign a token; `now` in seconds. Claims default to a valid predict-scoped token for an hour. */
export async function sign(key: TestKey, claims: Claims = {}, header: { kid?: string | null } = {}, now = Math.floor(Date.now() / 1000)): Promise<string> {
  const { sub = 'clinician-1', iss = ISSUER, aud = AUDIENCE, exp = now + 3600, iat = now, ...rest } = claims
  const protectedHeader: { alg: string; kid?: string; typ: string } = { alg: key.alg, typ: 'JWT' }
  if (header.kid !== null) protectedHeader.kid = header.kid ?? key.kid
  return new SignJWT({ scope: 'nexora/predict', ...rest })
    .setProtectedHeader(protectedHeader)
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setExpirationTime(exp)
    .setIssuedAt(iat)
    .sign(key.privateKey)
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')

/** An unsigned `alg: none` token. */
export function unsignedToken(claims: Claims = {}): string {
  const now = Math.floor(Date.now() / 1000)
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'mallory', iss: ISSUER, aud: AUDIENCE, exp: now + 3600, scope: 'nexora/admin', ...claims })}.`
}

/** An HS256 token signed with a shared secret (e.g. the public key as a secret: the classic confusion attack). */
export async function hsToken(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ scope: 'nexora/admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('mallory')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(secret))
}
