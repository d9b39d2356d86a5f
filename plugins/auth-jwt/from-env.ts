import type { JSONWebKeySet } from 'jose'
import { loadConfig, NexoraError, type ServerConfig } from '../../core/index.ts'
import { jwtAuth, type JwtAuthOptions } from './index.ts'

/** The settings a key set needs, by their environment names (configuration keys: auth.jwks | jwksFile | jwksUrl, auth.issuers, auth.audience). */
export const AUTH_SETTINGS = 'NEXORA_JWKS, NEXORA_JWKS_FILE or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE'

export interface JwtAuthFromConfigOptions {
  /** The key set read from `auth.jwksFile` by a runtime with a file system (server-auth.ts does it). */
  fileKeys?: JSONWebKeySet
  /** More issuers, each with its own key set (a SMART EHR's authorization server). */
  trusted?: JwtAuthOptions['trusted']
}

/**
 * `jwtAuth` from the configuration's `auth` section, the same on every runtime. Undefined when it
 * names no key set, issuers or audience; an error when it names only some. Never read "undefined"
 * as "serve unauthenticated": the Node, Deno and Bun servers go through `serverAuth` (dev mode
 * verifies tokens against a local dev key; production refuses to start), and the Worker refuses to start.
 * @example const auth = jwtAuthFromConfig(loadConfig({ get: (name) => env[name] }).auth)
 */
export function jwtAuthFromConfig(auth: ServerConfig['auth'], options: JwtAuthFromConfigOptions = {}) {
  const { jwks, jwksFile, jwksUrl, issuers, audience } = auth
  const keySet = jwks ?? jwksFile ?? jwksUrl
  if (!keySet && issuers.length === 0 && !audience) return undefined
  if (!keySet || issuers.length === 0 || !audience) {
    throw new NexoraError('plugin.invalid', { detail: `authentication needs ${AUTH_SETTINGS} together` })
  }
  if (jwksFile && !options.fileKeys)
    throw new NexoraError('plugin.invalid', { detail: 'NEXORA_JWKS_FILE needs a file system; here use NEXORA_JWKS or NEXORA_JWKS_URL' })
  const source = jwks ? (jwks as JSONWebKeySet) : jwksFile ? options.fileKeys! : { url: jwksUrl! }
  return jwtAuth({ jwks: source, issuers, audience, ...(options.trusted?.length ? { trusted: options.trusted } : {}) })
}

/**
 * `jwtAuth` from an environment (process.env, Deno.env, a Worker's `env` bindings), through the
 * one configuration loader: `NEXORA_JWKS` (a JSON key set), `NEXORA_JWKS_FILE` or `NEXORA_JWKS_URL`,
 * `NEXORA_JWT_ISSUERS` (comma-separated) and `NEXORA_JWT_AUDIENCE`.
 * @example const auth = jwtAuthFromEnv((name) => Deno.env.get(name))
 */
export function jwtAuthFromEnv(get: (name: string) => string | undefined) {
  return jwtAuthFromConfig(loadConfig({ get, source: 'environment' }).auth)
}
