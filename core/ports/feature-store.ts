import type { FeatureValue } from './values.ts'

/** Real-time features by entity (e.g. a patient pseudonym), with point-in-time reads. */
export interface FeatureStore {
  /** The latest value of each name written at or before `asOf` (ms since epoch; default now). */
  get(entityKey: string, names: string[], asOf?: number): Promise<Record<string, FeatureValue>>
  put(entityKey: string, values: Record<string, FeatureValue>, ts: number): Promise<void>
  /** As `get`, with each value's write time: a reader can refuse stale features. */
  getTimed?(entityKey: string, names: string[], asOf?: number): Promise<Record<string, { value: FeatureValue; ts: number }>>
  /** Several entities' writes as one commit (a population shard's patients). Optional: callers fall back to `put` each. */
  putMany?(writes: { entityKey: string; values: Record<string, FeatureValue>; ts: number }[]): Promise<void>
}
