/**
 * How a server adapter authenticates, decided once from its environment, the same on Node, Deno
 * and Bun. Uses node:fs through the dev identity, so only server adapters import it (a Worker uses
 * `jwtAuthFromEnv` and refuses to start without a key set).
 */
import { NexoraError, type Plugin } from '../../core/index.ts'
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevIdentity } from './dev-identity.ts'
import { jwtAuthFromEnv } from './from-env.ts'
import { jwtAuth } from './index.ts'

export interface ServerAuth {
  /** The authenticator plugin to install. */
  plugin: Plugin
  /** `configured`: the key set in the environment; `dev`: the local dev key pair. */
  mode: 'configured' | 'dev'
  /** One start-up line for stderr that says how callers are authenticated. */
  banner: string
  /** Dev mode: the file holding the dev token. */
  tokenFile?: string
}

const SETTINGS = 'NEXORA_JWKS or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE'

/**
 * The environment's key set when `NEXORA_JWKS`/`NEXORA_JWKS_URL`, `NEXORA_JWT_ISSUERS` and
 * `NEXORA_JWT_AUDIENCE` are set. Without them, dev mode behaves like `nexora serve`: a local ES384
 * key pair in `NEXORA_DATA_DIR` (default `./data`) verifies every token, and a 30-day dev token is
 * written next to it, so a server never accepts an unverified token. With `NODE_ENV=production`
 * and no key set it refuses to start (`plugin.invalid`), naming the variables it needs.
 * @example
 * const auth = await serverAuthFromEnv((name) => Deno.env.get(name))
 * console.error(auth.banner)
 */
export async function serverAuthFromEnv(get: (name: string) => string | undefined): Promise<ServerAuth> {
  const configured = jwtAuthFromEnv(get)
  if (configured) return { plugin: configured, mode: 'configured', banner: `authentication: bearer JWTs checked against the configured key set (${get('NEXORA_JWKS_URL') ? 'NEXORA_JWKS_URL' : 'NEXORA_JWKS'})` }
  if (get('NODE_ENV') === 'production') {
    throw new NexoraError('plugin.invalid', { detail: `production needs ${SETTINGS}; refusing to start without authentication` })
  }
  const dev = await loadOrCreateDevIdentity(get('NEXORA_DATA_DIR') ?? './data')
  return {
    plugin: jwtAuth({ jwks: dev.jwks, issuers: [DEV_ISSUER], audience: DEV_AUDIENCE }),
    mode: 'dev',
    tokenFile: dev.tokenFile,
    banner: `dev mode: no ${SETTINGS} set, so bearer JWTs are checked against a local dev key; the dev token (30 days) is in ${dev.tokenFile}. Never serve real patients in dev mode.`,
  }
}
