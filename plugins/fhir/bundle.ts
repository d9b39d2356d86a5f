import type { FhirResource } from '../../core/index.ts'

interface Entry {
  fullUrl?: string
  resource?: FhirResource
}

/** The resources of a Bundle (transaction, batch, collection or searchset), in order. */
export function bundleResources(bundle: { entry?: Entry[] }): FhirResource[] {
  return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []))
}

/**
 * Resolve references inside a Bundle: `urn:uuid:` fullUrls and relative `Type/id` references both
 * become `Type/id` of the resource they name, so `subject` links hold across a transaction or
 * collection Bundle whose entries have no server ids yet. It rewrites the entries' resources in
 * place (no copy: the ETL reads bundles of thousands of resources), so pass a Bundle you own.
 */
export function resolveBundleReferences(bundle: { entry?: Entry[] }): FhirResource[] {
  const byFullUrl = new Map<string, string>()
  let synthetic = 0
  const resources = (bundle.entry ?? []).flatMap((entry) => {
    if (!entry.resource) return []
    const resource = entry.resource
    // A resource known only by urn:uuid gets the uuid as its id, so references to it resolve.
    resource.id ??= entry.fullUrl?.startsWith('urn:uuid:') ? entry.fullUrl.slice(9) : `bundle-${synthetic++}`
    const local = `${resource.resourceType}/${resource.id}`
    if (entry.fullUrl) byFullUrl.set(entry.fullUrl, local)
    byFullUrl.set(local, local)
    return [resource]
  })
  const rewrite = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(rewrite)
      return
    }
    if (!node || typeof node !== 'object') return
    const obj = node as Record<string, unknown>
    if (typeof obj.reference === 'string') {
      const target = byFullUrl.get(obj.reference) ?? byFullUrl.get(obj.reference.replace(/^.*\/([A-Z][A-Za-z]+\/[^/]+)$/, '$1'))
      if (target) obj.reference = target
    }
    for (const value of Object.values(obj)) rewrite(value)
  }
  resources.forEach(rewrite)
  return resources
}

/** The patient id a resource belongs to (its own id for a Patient; else subject/patient reference). */
export function patientIdOf(resource: FhirResource): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id
  const ref = ((resource.subject ?? resource.patient) as { reference?: string } | undefined)?.reference
  const match = ref && /(?:^|\/)Patient\/([^/]+)$/.exec(ref)
  return match?.[1]
}
