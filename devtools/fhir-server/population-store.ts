import { type FhirStore, patientOf } from './store.ts'
import { POPULATION_TYPES, type PopulationCohort, type PopulationType } from './population-types.ts'

/**
 * The dev server's store with a population behind it: reads, `$everything`, `patient=` searches and
 * vread/history of version 1 generate the one record asked for; writes go to `inner` (and shadow a
 * generated resource of the same type and id on reads). `all(type)` lists `inner` only: a type-wide
 * search does not enumerate the population (Bulk Data `$export` does, from the generator).
 */
export function populationStore(population: PopulationCohort, inner: FhirStore): FhirStore {
  let totals: Record<PopulationType, number> | undefined
  const generated = (type: string, id: string) => population.read(type, id)
  return {
    read: (type, id) => inner.read(type, id) ?? generated(type, id),
    vread: (type, id, versionId) => inner.vread(type, id, versionId) ?? (inner.read(type, id) || versionId !== '1' ? undefined : generated(type, id)),
    history(type, id) {
      const versions = inner.history(type, id)
      if (versions.length) return versions
      const r = generated(type, id)
      return r ? [r] : []
    },
    create: (resource, id) => {
      if (id !== undefined && generated(resource.resourceType, id)) throw new Error(`${resource.resourceType}/${id} already exists`)
      return inner.create(resource, id)
    },
    update: (resource) => inner.update(resource),
    all: (type) => inner.all(type),
    compartment(patientId) {
      const n = population.indexOf(patientId)
      if (n === undefined) return inner.compartment(patientId)
      const record = population.record(n).map((r) => inner.read(r.resourceType, r.id!) ?? r)
      const seen = new Set(record.map((r) => `${r.resourceType}/${r.id}`))
      const written = inner
        .types()
        .flatMap((type) => inner.all(type))
        .filter((r) => patientOf(r) === patientId && !seen.has(`${r.resourceType}/${r.id}`))
      return [...record, ...written]
    },
    types: () => [...new Set([...inner.types(), ...(population.patients > 0 ? POPULATION_TYPES : [])])],
    count(type) {
      totals ??= population.counts()
      if (type) return inner.count(type) + (totals[type as PopulationType] ?? 0)
      return inner.count() + POPULATION_TYPES.reduce((n, t) => n + totals![t], 0)
    },
  }
}
