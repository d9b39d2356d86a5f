import { NexoraError } from '../errors.ts'
import type { ModelManifest } from '../ports/model.ts'
import type { ModelRegistry } from './registry.ts'

/** The actor of start-up seeding in the audit trail. */
const STARTUP = 'nexora:startup'

/**
 * Register a shipped model version unless the registry has it, and make it the production version
 * when the model has none. Safe to run at every start-up and from several replicas at once (the
 * loser of a registration race finds the version there). Needs no file system: the Worker and the
 * browser pass bundled bytes, the CLI reads `models/`.
 * @returns true when this call registered the version
 */
export async function ensureRegistered(registry: ModelRegistry, manifest: ModelManifest, files: Record<string, Uint8Array>): Promise<boolean> {
  const known = await registry.get(manifest.name).catch(() => undefined)
  let registered = false
  if (!known?.versions.some((v) => v.version === manifest.version)) {
    try {
      await registry.register(manifest, files, STARTUP)
      registered = true
    } catch (error) {
      if (!(error instanceof NexoraError && error.code === 'model.version_exists')) throw error
    }
  }
  const summary = await registry.get(manifest.name)
  if (!summary.aliases.production) await registry.promote(manifest.name, manifest.version, 'production', STARTUP)
  return registered
}
