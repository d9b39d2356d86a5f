import { NexoraError, type ModelRegistry, type StoredVersion } from '../../core/index.ts'
import { ALIASES } from '../../core/registry/index.ts'

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/**
 * Resolve a model and an optional version. The version may be a semver version or an alias
 * (`production`, `staging`, `latest`); without one the registry's default (production, else latest).
 */
export async function resolveModel(registry: ModelRegistry, name: string, version?: string): Promise<StoredVersion> {
  if (!MODEL_NAME.test(name)) throw new NexoraError('request.invalid', { detail: 'the model name must be 1–128 letters, digits, ".", "_" or "-"' })
  if (version === undefined || version === '') return registry.resolve(name)
  return registry.resolve(name, (ALIASES as readonly string[]).includes(version) ? { alias: version } : { version })
}
