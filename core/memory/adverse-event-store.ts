import type { AdverseEvent, AdverseEventFilter, AdverseEventStore } from '../ports/monitoring.ts'

/** True when the event passes every set field of the filter (shared with the SQL store's tests). */
export function matchesAdverseFilter(e: AdverseEvent, f: AdverseEventFilter): boolean {
  return (
    (!f.model || e.model === f.model) &&
    (!f.severity || e.severity === f.severity) &&
    (!f.status || e.status === f.status) &&
    (!f.patientRef || e.patientRef === f.patientRef) &&
    (!f.from || e.occurredAt >= f.from) &&
    (!f.to || e.occurredAt < f.to)
  )
}

/** In-memory AdverseEventStore for unit tests and the browser. */
export function memoryAdverseEventStore(): AdverseEventStore {
  const events = new Map<string, AdverseEvent>()
  return {
    async create(event) {
      events.set(event.id, { ...event })
    },
    async get(id) {
      const e = events.get(id)
      return e && { ...e }
    },
    async list(filter, { limit, offset }) {
      return [...events.values()]
        .filter((e) => matchesAdverseFilter(e, filter))
        .sort((a, b) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : b.id.localeCompare(a.id)))
        .slice(offset, offset + limit)
        .map((e) => ({ ...e }))
    },
    async update(id, patch, updatedAt) {
      const e = events.get(id)
      if (!e) return undefined
      const next = { ...e, ...patch, updatedAt }
      events.set(id, next)
      return { ...next }
    },
  }
}
