import { NexoraError } from '../errors.ts'
import type { FeatureStore } from '../ports/feature-store.ts'
import type { Row } from '../ports/values.ts'
import type { StoredVersion } from '../ports/model-store.ts'

/**
 * A feature's name in the feature store: the feature spec's name and version, then the feature. A
 * spec's new version is a new set of names, so a model never reads features extracted by another.
 */
export const storedFeatureName = (spec: { name: string; version?: number }, feature: string) => `${spec.name}@${spec.version ?? 1}:${feature}`

/** The store's key for a patient: `Patient/<id>`, whether the caller wrote the id bare or as a reference. */
export const patientKey = (patient: string) => (patient.startsWith('Patient/') ? patient : `Patient/${patient}`)

/**
 * Rows whose features come from the feature store (`features: "store"`): per patient, the latest
 * extraction of the model's inputs its feature spec wrote (one population run's values). Refused when the patient has none
 * (`features.not_stored`) or when the oldest value is older than `maxAgeMs` (`features.stale`):
 * a score must never silently rest on last month's labs.
 */
export async function storedRows(store: FeatureStore, model: StoredVersion, inputs: string[], rows: Row[], now: number, maxAgeMs: number): Promise<Row[]> {
  const spec = model.manifest.featureSpec as { name?: string; version?: number } | undefined
  if (!spec?.name) throw new NexoraError('model.invalid_manifest', { detail: `model "${model.name}" has no feature spec: its features are never stored` })
  const names = inputs.map((input) => storedFeatureName({ name: spec.name!, version: spec.version }, input))
  return Promise.all(
    rows.map(async (row) => {
      if (!row.patientRef) throw new NexoraError('request.invalid', { detail: 'a row with features "store" names its patient (patientId)' })
      const timed = store.getTimed
        ? await store.getTimed(patientKey(row.patientRef), names)
        : Object.fromEntries(Object.entries(await store.get(patientKey(row.patientRef), names)).map(([k, value]) => [k, { value, ts: now }]))
      const found = Object.entries(timed)
      if (found.length === 0) throw new NexoraError('features.not_stored', { detail: 'no stored features for this patient and feature spec' })
      // One extraction's features, the latest: a feature it found no value for is absent, not an older run's value.
      const latest = Math.max(...found.map(([, w]) => w.ts))
      if (now - latest > maxAgeMs)
        throw new NexoraError('features.stale', {
          detail: `the stored features are ${Math.round((now - latest) / 60_000)} minutes old; at most ${maxAgeMs / 60_000} allowed`,
        })
      const features = Object.fromEntries(found.filter(([, w]) => w.ts === latest).map(([name, w]) => [name.slice(name.indexOf(':') + 1), w.value]))
      return { ...row, features: features as Row['features'] }
    }),
  )
}
