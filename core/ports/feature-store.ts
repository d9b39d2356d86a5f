import type { FeatureValue } from './values.ts'

/** Real-time features by entity (e.g. a patient pseudonym), with point-in-time reads. */
export interface FeatureStore {
  /** The latest value of each name written at or before `asOf` (ms since epoch; default now). */
  get(entityKey: string, names: string[], asOf?: number): Promise<Record<string, FeatureValue>>
  put(entityKey: string, values: Record<string, FeatureValue>, ts: number): Promise<void>
}
