import type { ModelPlugin } from '../ports/model.ts'
import type { ModelRegistry } from './registry.ts'

export interface UnservableVersion {
  model: string
  version: string
  kind: string
}

/**
 * The registered, not archived versions whose kind no loaded model plugin serves. A server reports
 * them at start-up rather than skipping them silently: each one would answer `model.kind_unavailable`.
 * @example
 * for (const v of await unservableVersions(nexora.registry, nexora.ports.getAll('model'))) log(v)
 */
export async function unservableVersions(registry: ModelRegistry, plugins: ModelPlugin[]): Promise<UnservableVersion[]> {
  const kinds = new Set(plugins.map((p) => p.kind))
  const out: UnservableVersion[] = []
  for (const model of await registry.list()) {
    for (const v of model.versions) if (v.stage !== 'archived' && !kinds.has(v.kind)) out.push({ model: model.name, version: v.version, kind: v.kind })
  }
  return out
}
