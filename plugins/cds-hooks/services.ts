import { LRUCache } from 'lru-cache'
import { NexoraError, toNexoraError, type Logger, type ModelManifest, type ModelRegistry } from '../../core/index.ts'
import { ClinicalETL } from '../etl/index.ts'
import type { CdsService as Discovered } from './card-schema.ts'
import { cdsHooksSection, type CdsHooksSection } from './manifest.ts'
import { prefetchTemplates } from './templates.ts'

/** A model that answers CDS Hooks, with what is derived once per version: the ETL and the templates. */
export interface CdsService {
  manifest: ModelManifest
  section: CdsHooksSection
  etl: ClinicalETL
  templates: Record<string, string>
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/
const ABSENT = new Set(['model.not_found', 'model.version_not_found', 'model.alias_not_found', 'model.version_archived'])

/**
 * The CDS services: one per registered model whose serving version (production, else latest)
 * opts in through its manifest's `cdsHooks` section. Service id = model name. Derived state is
 * cached by `name@version`, so a promotion changes the service on the registry's next resolve.
 */
export function serviceCatalog(registry: ModelRegistry, logger: Pick<Logger, 'warn'>) {
  const derived = new LRUCache<string, CdsService | false>({ max: 64 })

  function derive(manifest: ModelManifest): CdsService | undefined {
    const key = `${manifest.name}@${manifest.version}`
    const hit = derived.get(key)
    if (hit !== undefined) return hit || undefined
    const section = cdsHooksSection(manifest)
    if (section && !manifest.featureSpec)
      throw new NexoraError('model.invalid_manifest', { detail: `model "${manifest.name}" opts into CDS Hooks but has no FHIR feature spec` })
    const etl = section ? new ClinicalETL(manifest.featureSpec) : undefined
    const service = section && etl ? { manifest, section, etl, templates: prefetchTemplates(etl.spec, { windowTokens: section.windowTokens }) } : undefined
    derived.set(key, service ?? false)
    return service
  }

  return {
    /** The service with this id, or undefined when no serving model version has opted in. */
    async get(id: string): Promise<CdsService | undefined> {
      if (!NAME.test(id)) return undefined
      try {
        return derive((await registry.resolve(id)).manifest)
      } catch (error) {
        if (ABSENT.has(toNexoraError(error).code)) return undefined
        throw error
      }
    },
    /** The discovery entries: one per service and hook (the spec allows one id under several hooks). */
    async list(): Promise<Discovered[]> {
      const entries: Discovered[] = []
      for (const { name } of await registry.list()) {
        const service = await this.get(name).catch((error: unknown) => {
          // One broken manifest must not hide every other service.
          logger.warn('cds_hooks.service_skipped', { code: toNexoraError(error).code })
          return undefined
        })
        if (!service) continue
        for (const hook of service.section.hooks) {
          entries.push({
            hook,
            id: name,
            title: service.section.title,
            description: service.section.description,
            prefetch: service.templates,
            usageRequirements: 'Needs every prefetch key, or fhirServer with fhirAuthorization to read what is missing.',
          })
        }
      }
      return entries
    },
  }
}

export type ServiceCatalog = ReturnType<typeof serviceCatalog>
