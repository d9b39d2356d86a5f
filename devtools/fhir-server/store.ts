/**
 * The dev server's in-memory resource store: every version of every resource is kept (for
 * vread and _history), current versions stay in insertion order (so offset paging is stable
 * while resources are added), and a patient-compartment index makes `patient=` searches and
 * `$everything` cheap on a cohort of tens of thousands of resources.
 */

/** A FHIR resource as JSON; the store only looks at the elements named here. */
export interface FhirJson {
  resourceType: string
  id?: string
  meta?: { versionId?: string; lastUpdated?: string; [element: string]: unknown }
  [element: string]: unknown
}

export interface FhirStore {
  read(type: string, id: string): FhirJson | undefined
  vread(type: string, id: string, versionId: string): FhirJson | undefined
  /** Every version, newest first; empty when the resource does not exist. */
  history(type: string, id: string): FhirJson[]
  /** Store a new resource under `id` (default: a fresh UUID) as version 1. */
  create(resource: FhirJson, id?: string): FhirJson
  /** Store a new version (or version 1 when the id is new: update as create). */
  update(resource: FhirJson & { id: string }): { resource: FhirJson; created: boolean }
  /** Current versions of one type, in insertion order. */
  all(type: string): FhirJson[]
  /** The Patient followed by every current resource that points at it (subject or patient). */
  compartment(patientId: string): FhirJson[]
  /** Resource types with at least one resource. */
  types(): string[]
  /** Current resources, of one type or in all. */
  count(type?: string): number
}

/** The patient a resource belongs to: itself for a Patient, else its subject/patient reference to a Patient. */
export function patientOf(resource: FhirJson): string | undefined {
  if (resource.resourceType === 'Patient') return resource.id
  for (const element of ['subject', 'patient'] as const) {
    const reference = (resource[element] as { reference?: unknown } | undefined)?.reference
    if (typeof reference === 'string' && reference.startsWith('Patient/')) return reference.slice('Patient/'.length)
  }
  return undefined
}

export function createFhirStore(initial: readonly FhirJson[] = [], clock: { now(): number } = { now: () => Date.now() }): FhirStore {
  // type → id → versions (oldest first); Map keeps insertion order for paging.
  const byType = new Map<string, Map<string, FhirJson[]>>()
  // patient id → `${type}/${id}` of the resources in its compartment (the Patient excluded).
  const compartments = new Map<string, Set<string>>()

  const versionsOf = (type: string, id: string) => byType.get(type)?.get(id)
  const current = (versions: FhirJson[] | undefined) => versions?.[versions.length - 1]

  function index(resource: FhirJson, previous: FhirJson | undefined) {
    const key = `${resource.resourceType}/${resource.id}`
    const before = previous && patientOf(previous)
    const after = patientOf(resource)
    if (before === after || resource.resourceType === 'Patient') return
    if (before) compartments.get(before)?.delete(key)
    if (after) {
      if (!compartments.has(after)) compartments.set(after, new Set())
      compartments.get(after)!.add(key)
    }
  }

  /** A shallow copy with fresh meta: stored resources are never the caller's objects. */
  function put(resource: FhirJson, id: string, versionId: number, lastUpdated: number): FhirJson {
    const { resourceType, id: _id, meta, ...elements } = resource
    const stored: FhirJson = {
      resourceType,
      id,
      meta: { ...meta, versionId: String(versionId), lastUpdated: new Date(lastUpdated).toISOString() },
      ...elements,
    }
    if (!byType.has(resource.resourceType)) byType.set(resource.resourceType, new Map())
    const table = byType.get(resource.resourceType)!
    const versions = table.get(id)
    index(stored, current(versions))
    if (versions) versions.push(stored)
    else table.set(id, [stored])
    return stored
  }

  const store: FhirStore = {
    read: (type, id) => current(versionsOf(type, id)),
    vread: (type, id, versionId) => versionsOf(type, id)?.find((v) => v.meta?.versionId === versionId),
    history: (type, id) => [...(versionsOf(type, id) ?? [])].reverse(),
    create(resource, id = crypto.randomUUID()) {
      if (versionsOf(resource.resourceType, id)) throw new Error(`${resource.resourceType}/${id} already exists`)
      return put(resource, id, 1, clock.now())
    },
    update(resource) {
      const versions = versionsOf(resource.resourceType, resource.id)
      return { resource: put(resource, resource.id, (versions?.length ?? 0) + 1, clock.now()), created: !versions }
    },
    all: (type) => [...(byType.get(type)?.values() ?? [])].map((versions) => current(versions)!),
    compartment(patientId) {
      const patient = store.read('Patient', patientId)
      if (!patient) return []
      const members = [...(compartments.get(patientId) ?? [])].map((key) => {
        const slash = key.indexOf('/')
        return store.read(key.slice(0, slash), key.slice(slash + 1))!
      })
      return [patient, ...members]
    },
    types: () => [...byType.keys()].filter((type) => byType.get(type)!.size > 0),
    count: (type) => (type ? (byType.get(type)?.size ?? 0) : [...byType.values()].reduce((n, table) => n + table.size, 0)),
  }

  // Seed resources keep their ids and become version 1, last updated "now" (the server's clock).
  const seededAt = clock.now()
  for (const resource of initial) put(resource, resource.id ?? crypto.randomUUID(), 1, seededAt)
  return store
}
