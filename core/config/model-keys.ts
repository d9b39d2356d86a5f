import type { JWK } from 'jose'
import { NexoraError } from '../errors.ts'
import { DEMO_MODEL_KEY } from '../registry/demo-key.ts'
import type { SignaturePolicyOptions } from '../registry/signature.ts'
import type { ServerConfig } from './schema.ts'

/**
 * The model-signature policy a server runs with: the configured keys, and in dev mode the demo
 * key too, so the shipped demo models serve there. Production never trusts the demo key (its
 * private half is in the repository), so a demo-signed version does not load there, and by default
 * refuses to let an unsigned version serve patients; dev mode lets a model just trained be promoted.
 */
export function modelSignaturesFrom(config: ServerConfig): SignaturePolicyOptions {
  if (config.models.trustedKeysFile) {
    throw new NexoraError('config.invalid', {
      detail: 'models.trustedKeysFile (NEXORA_MODEL_TRUSTED_KEYS_FILE) needs a file system: give the keys inline in NEXORA_MODEL_TRUSTED_KEYS',
    })
  }
  const configured = (config.models.trustedKeys?.keys ?? []) as JWK[]
  return {
    trustedKeys: config.production ? configured : [...configured, DEMO_MODEL_KEY],
    require: config.models.requireSignature ?? (config.production ? 'production' : 'off'),
  }
}

/**
 * `models.trustedKeysFile` read (a JWK Set or one JWK) and added to `models.trustedKeys`, by a
 * runtime that has files (core has none: the caller passes its reader).
 * @example const config = await withTrustedKeysFile(loadConfig({ get }), (path) => readFile(path, 'utf8'))
 */
export async function withTrustedKeysFile(config: ServerConfig, readText: (path: string) => Promise<string>): Promise<ServerConfig> {
  const { trustedKeysFile, ...models } = config.models
  if (!trustedKeysFile) return config
  let json: { keys?: unknown }
  try {
    json = JSON.parse(await readText(trustedKeysFile)) as { keys?: unknown }
  } catch {
    throw new NexoraError('config.invalid', { detail: 'models.trustedKeysFile: the file cannot be read as JSON (a JWK Set or one JWK)' })
  }
  const keys = (Array.isArray(json.keys) ? json.keys : [json]) as { kty: string }[]
  return { ...config, models: { ...models, trustedKeys: { keys: [...(models.trustedKeys?.keys ?? []), ...keys] } } }
}
