import type { JSONWebKeySet } from 'jose'
import { NexoraError } from '../../core/index.ts'
import { jwtAuth } from './index.ts'

/**
 * `jwtAuth` configured from an environment, the same on every runtime (process.env, Deno.env,
 * a Worker's `env` bindings): `NEXORA_JWKS` (a JSON key set) or `NEXORA_JWKS_URL`,
 * `NEXORA_JWT_ISSUERS` (comma-separated) and `NEXORA_JWT_AUDIENCE`. Undefined when none is set,
 * an error when only some are. Never read "undefined" as "serve unauthenticated": the Node, Deno
 * and Bun servers go through `serverAuthFromEnv` (dev mode verifies tokens against a local dev
 * key; production refuses to start), and the Worker refuses to start.
 * @example const auth = jwtAuthFromEnv((name) => Deno.env.get(name))
 */
export function jwtAuthFromEnv(get: (name: string) => string | undefined) {
  const jwksJson = get('NEXORA_JWKS')
  const jwksUrl = get('NEXORA_JWKS_URL')
  const issuers = get('NEXORA_JWT_ISSUERS')?.split(',').map((s) => s.trim()).filter(Boolean) ?? []
  const audience = get('NEXORA_JWT_AUDIENCE')
  if (!jwksJson && !jwksUrl && issuers.length === 0 && !audience) return undefined
  if ((!jwksJson && !jwksUrl) || issuers.length === 0 || !audience) {
    throw new NexoraError('plugin.invalid', { detail: 'authentication needs NEXORA_JWKS or NEXORA_JWKS_URL, NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE together' })
  }
  let jwks: JSONWebKeySet | { url: string }
  try {
    jwks = jwksJson ? JSON.parse(jwksJson) as JSONWebKeySet : { url: jwksUrl! }
  } catch {
    throw new NexoraError('plugin.invalid', { detail: 'NEXORA_JWKS is not JSON' })
  }
  return jwtAuth({ jwks, issuers, audience })
}
