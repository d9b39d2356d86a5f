import { NexoraError } from '../errors.ts'
import type { FhirResource, FhirSource } from '../ports/fhir.ts'

/** Does a resource point at the patient (subject or patient reference, or the Patient itself)? */
function belongsTo(resource: FhirResource, patientId: string): boolean {
  if (resource.resourceType === 'Patient') return resource.id === patientId
  const ref = (resource.subject ?? resource.patient) as { reference?: string } | undefined
  return ref?.reference === `Patient/${patientId}`
}

/**
 * In-memory FhirSource over a list of resources. `search` matches `patient`/`subject`
 * and `_id` only: enough for pipeline tests; the FHIR plugin talks to real servers.
 */
export function memoryFhirSource(resources: FhirResource[] = []): FhirSource {
  const store = new Map<string, FhirResource>()
  let nextId = 1
  const key = (type: string, id: string) => `${type}/${id}`
  for (const r of resources) store.set(key(r.resourceType, r.id ?? String(nextId++)), structuredClone(r))

  return {
    async read(type, id) {
      const found = store.get(key(type, id))
      if (!found) throw new NexoraError('route.not_found', { detail: `${type} not found` })
      return structuredClone(found)
    },
    async *search(type, params) {
      const patient = (params.patient ?? params.subject)?.replace(/^Patient\//, '')
      for (const r of store.values()) {
        if (r.resourceType !== type) continue
        if (params._id && r.id !== params._id) continue
        if (patient && !belongsTo(r, patient)) continue
        yield structuredClone(r)
      }
    },
    async everything(patientId) {
      return [...store.values()].filter((r) => belongsTo(r, patientId)).map((r) => structuredClone(r))
    },
    async create(resource) {
      const created = { ...structuredClone(resource), id: String(nextId++) }
      store.set(key(created.resourceType, created.id), created)
      return structuredClone(created)
    },
    async update(resource) {
      if (!resource.id) throw new NexoraError('request.invalid', { detail: 'update needs an id' })
      store.set(key(resource.resourceType, resource.id), structuredClone(resource))
      return structuredClone(resource)
    },
  }
}
