import type { ModelRegistry } from '../../core/index.ts'
import { resolveModel } from './resolve.ts'
import type { OipState } from './state.ts'
import type { RepositoryEntry } from './types.ts'

/**
 * Repository extension, `POST /v2/repository/index`: one entry per registered version. Archived
 * versions and unloaded models are UNAVAILABLE, with the reason; `ready: true` keeps only READY ones.
 */
export async function repositoryIndex(registry: ModelRegistry, state: OipState, options: { ready?: boolean } = {}): Promise<RepositoryEntry[]> {
  const entries = (await registry.list()).flatMap((model) =>
    model.versions.map((v): RepositoryEntry => {
      const reason = v.stage === 'archived' ? 'archived' : state.isUnloaded(model.name) ? 'unloaded' : undefined
      return { name: model.name, version: v.version, state: reason ? 'UNAVAILABLE' : 'READY', ...(reason ? { reason } : {}) }
    }),
  )
  return options.ready ? entries.filter((e) => e.state === 'READY') : entries
}

/**
 * Repository extension, `POST /v2/repository/models/{name}/load`: load the model's default
 * version into the registry's cache (verifying its artifacts) and serve it again if it was unloaded.
 */
export async function loadModel(registry: ModelRegistry, state: OipState, name: string): Promise<void> {
  const stored = await resolveModel(registry, name)
  await registry.load(stored)
  state.setUnloaded(stored.name, false)
}

/**
 * Repository extension, `…/unload`: take the model (every version) out of service on the OIP
 * doors sharing `state`. Its registry stage and aliases are untouched, and other front doors
 * (`/predict`, FHIR, CDS Hooks) still serve it: unload is per server and reversible, not an archive.
 */
export async function unloadModel(registry: ModelRegistry, state: OipState, name: string): Promise<void> {
  const stored = await resolveModel(registry, name)
  state.setUnloaded(stored.name, true)
  // Free the engine too: the other front doors load it again on their next use.
  registry.evict(stored.name, stored.version)
}
