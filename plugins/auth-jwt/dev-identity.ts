/**
 * Dev mode's identity, the same on Node (`nexora serve`), Deno and Bun: a local ES384 key pair and
 * a dev token signed with it. Uses node:fs, which all three provide; never imported by the plugin's
 * index, so a Worker bundle does not reach it.
 */
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose'

export const DEV_ISSUER = 'urn:nexora:dev'
export const DEV_AUDIENCE = 'nexora'
const DEV_SCOPES = 'nexora/admin nexora/predict nexora/models.read nexora/models.write nexora/audit.read nexora/deid nexora/metrics nexora/monitor'
const TOKEN_DAYS = 30

export interface DevIdentity {
  jwks: JSONWebKeySet
  token: string
  tokenFile: string
}

async function readJson<T>(file: string): Promise<T | undefined> {
  return readFile(file, 'utf8').then(
    (t) => JSON.parse(t) as T,
    () => undefined,
  )
}

/** The stored token's expiry (seconds) and key id, or nothing usable. */
function describeToken(token: string): { exp: number; kid?: string } {
  try {
    return { exp: decodeJwt(token).exp ?? 0, kid: decodeProtectedHeader(token).kid }
  } catch {
    return { exp: 0 }
  }
}

/**
 * Dev mode's identity: an ES384 key pair made on first run and kept in `dir` (mode 0600), and a
 * 30-day dev token signed with it, written to `dir/dev-token` so the README's curl can read it.
 * Never used in production.
 * @example
 * const { jwks, tokenFile } = await loadOrCreateDevIdentity('./data')
 */
export async function loadOrCreateDevIdentity(dir: string, now = Date.now()): Promise<DevIdentity> {
  await mkdir(dir, { recursive: true })
  const keyFile = join(dir, 'dev-keys.json')
  let stored = await readJson<{ kid: string; privateJwk: JWK; publicJwk: JWK }>(keyFile)
  if (!stored) {
    const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true })
    const kid = `dev-${crypto.randomUUID().slice(0, 8)}`
    const created = { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' } }
    // Replicas sharing NEXORA_DATA_DIR may start together: link() publishes one key pair atomically (it never
    // overwrites), and every other starter reads the winner's, so all of them accept the same dev token.
    const temp = `${keyFile}.${crypto.randomUUID()}`
    await writeFile(temp, JSON.stringify(created), { mode: 0o600 })
    await chmod(temp, 0o600)
    const won = await link(temp, keyFile).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error
        return false
      },
    )
    await unlink(temp)
    stored = won ? created : await readJson<typeof created>(keyFile)
    if (!stored) throw new Error(`cannot read the dev key pair in ${keyFile}`)
  }
  const tokenFile = join(dir, 'dev-token')
  let token = (await readFile(tokenFile, 'utf8').catch(() => '')).trim()
  const current = describeToken(token)
  if (current.exp * 1000 < now + 86_400_000 || current.kid !== stored.kid) {
    const key = await importJWK(stored.privateJwk, 'ES384')
    token = await new SignJWT({ scope: DEV_SCOPES, roles: ['dev'] })
      .setProtectedHeader({ alg: 'ES384', kid: stored.kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('dev-user')
      .setJti(crypto.randomUUID())
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + TOKEN_DAYS * 86_400)
      .sign(key)
    await writeFile(tokenFile, token + '\n', { mode: 0o600 })
  }
  return { jwks: { keys: [stored.publicJwk] }, token, tokenFile }
}

/**
 * A dev-mode token for another principal, signed with the dev key (made if missing): the second
 * person of two-person approval in a demo (`nexora keys token --sub reviewer --scope nexora/models.approve`).
 * Never used in production: it is only as trusted as the dev key.
 */
export async function issueDevToken(dir: string, subject: string, scope: string, now = Date.now(), days = 1): Promise<string> {
  await loadOrCreateDevIdentity(dir, now)
  const stored = await readJson<{ kid: string; privateJwk: JWK }>(join(dir, 'dev-keys.json'))
  if (!stored) throw new Error(`cannot read the dev key pair in ${dir}`)
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'ES384', kid: stored.kid, typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(subject)
    .setJti(crypto.randomUUID())
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + days * 86_400)
    .sign(await importJWK(stored.privateJwk, 'ES384'))
}
