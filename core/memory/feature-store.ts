import type { FeatureStore } from '../ports/feature-store.ts'
import type { FeatureValue } from '../ports/values.ts'

/** In-memory FeatureStore keeping every write, so reads can be point-in-time. */
export function memoryFeatureStore(): FeatureStore {
  const history = new Map<string, Map<string, { ts: number; value: FeatureValue }[]>>()
  const getTimed = async (entityKey: string, names: string[], asOf = Number.POSITIVE_INFINITY) => {
    const byName = history.get(entityKey)
    const out: Record<string, { ts: number; value: FeatureValue }> = {}
    for (const name of names) {
      const writes = byName?.get(name) ?? []
      let latest: { ts: number; value: FeatureValue } | undefined
      for (const w of writes) if (w.ts <= asOf && (!latest || w.ts >= latest.ts)) latest = w
      if (latest) out[name] = latest
    }
    return out
  }
  const put = async (entityKey: string, values: Record<string, FeatureValue>, ts: number) => {
    const byName = history.get(entityKey) ?? new Map()
    for (const [name, value] of Object.entries(values)) {
      byName.set(name, [...(byName.get(name) ?? []), { ts, value }])
    }
    history.set(entityKey, byName)
  }
  return {
    async get(entityKey, names, asOf) {
      return Object.fromEntries(Object.entries(await getTimed(entityKey, names, asOf)).map(([name, w]) => [name, w.value]))
    },
    getTimed,
    put,
    async putMany(writes) {
      for (const w of writes) await put(w.entityKey, w.values, w.ts)
    },
  }
}
