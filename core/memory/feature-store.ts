import type { FeatureStore } from '../ports/feature-store.ts'
import type { FeatureValue } from '../ports/values.ts'

/** In-memory FeatureStore keeping every write, so reads can be point-in-time. */
export function memoryFeatureStore(): FeatureStore {
  const history = new Map<string, Map<string, { ts: number; value: FeatureValue }[]>>()
  return {
    async get(entityKey, names, asOf = Number.POSITIVE_INFINITY) {
      const byName = history.get(entityKey)
      const out: Record<string, FeatureValue> = {}
      for (const name of names) {
        const writes = byName?.get(name) ?? []
        let latest: { ts: number; value: FeatureValue } | undefined
        for (const w of writes) if (w.ts <= asOf && (!latest || w.ts >= latest.ts)) latest = w
        if (latest) out[name] = latest.value
      }
      return out
    },
    async put(entityKey, values, ts) {
      const byName = history.get(entityKey) ?? new Map()
      for (const [name, value] of Object.entries(values)) {
        byName.set(name, [...(byName.get(name) ?? []), { ts, value }])
      }
      history.set(entityKey, byName)
    },
  }
}
