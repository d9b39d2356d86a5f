/**
 * How a server adapter authenticates, decided once from its configuration, the same on Node
 * (`nexora serve` too), Deno and Bun. Uses node:fs (the key-set file, the dev identity), so only
 * server adapters import it (a Worker uses `jwtAuthFromConfig` and refuses to start without a key set).
 */
import { readFile } from 'node:fs/promises'
import type { JSONWebKeySet } from 'jose'
import { loadConfig, NexoraError, type Plugin, type ServerConfig } from '../../core/index.ts'
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevIdentity } from './dev-identity.ts'
import { AUTH_SETTINGS, jwtAuthFromConfig, type JwtAuthFromConfigOptions } from './from-env.ts'
import { jwtAuth } from './index.ts'

export interface ServerAuth {
  /** The authenticator plugin to install. */
  plugin: Plugin
  /** `configured`: the configured key set; `dev`: the local dev key pair. */
  mode: 'configured' | 'dev'
  /** One start-up line for stderr that says how callers are authenticated. */
  banner: string
  /** Dev mode: the file holding the dev token, and the token itself (for a dev sign-in; never printed). */
  tokenFile?: string
  token?: string
}

async function readKeySet(file: string): Promise<JSONWebKeySet> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet
  } catch {
    throw new NexoraError('plugin.invalid', { detail: 'NEXORA_JWKS_FILE (auth.jwksFile) cannot be read as a JSON key set' })
  }
}

/**
 * The configured key set when `auth` names one (`jwks`, `jwksFile` or `jwksUrl`, with `issuers` and
 * `audience`). Without it, dev mode behaves like `nexora serve`: a local ES384 key pair in `dataDir`
 * (default `./data`) verifies every token, and a 30-day dev token is written next to it, so a server
 * never accepts an unverified token. In production without a key set it refuses to start
 * (`plugin.invalid`), naming the variables it needs.
 * @example
 * const auth = await serverAuth(loadConfig({ get: (name) => Deno.env.get(name) }))
 * console.error(auth.banner)
 */
export async function serverAuth(config: ServerConfig, options: Pick<JwtAuthFromConfigOptions, 'trusted'> = {}): Promise<ServerAuth> {
  const fileKeys = config.auth.jwksFile ? await readKeySet(config.auth.jwksFile) : undefined
  const configured = jwtAuthFromConfig(config.auth, { ...options, fileKeys })
  if (configured) {
    const from = config.auth.jwksUrl ? 'NEXORA_JWKS_URL' : config.auth.jwksFile ? 'NEXORA_JWKS_FILE' : 'NEXORA_JWKS'
    return { plugin: configured, mode: 'configured', banner: `authentication: bearer JWTs checked against the configured key set (${from})` }
  }
  if (config.production) {
    throw new NexoraError('plugin.invalid', { detail: `production needs ${AUTH_SETTINGS}; refusing to start without authentication` })
  }
  const dev = await loadOrCreateDevIdentity(config.dataDir)
  return {
    plugin: jwtAuth({ jwks: dev.jwks, issuers: [DEV_ISSUER], audience: DEV_AUDIENCE, ...(options.trusted?.length ? { trusted: options.trusted } : {}) }),
    mode: 'dev',
    tokenFile: dev.tokenFile,
    token: dev.token,
    banner:
      `dev mode: no ${AUTH_SETTINGS} set, so bearer JWTs are checked against a local dev key; the dev token (30 days) is in ${dev.tokenFile}. ` +
      'Never serve real patients in dev mode.',
  }
}

/** `serverAuth` for a configuration from the environment alone. */
export async function serverAuthFromEnv(get: (name: string) => string | undefined): Promise<ServerAuth> {
  return serverAuth(loadConfig({ get, source: 'environment' }))
}
