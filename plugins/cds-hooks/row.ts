import { NexoraError, type FeatureValue, type FhirResource, type ModelManifest, type Row } from '../../core/index.ts'
import { refuseDeceased, type ClinicalETL } from '../etl/index.ts'
import './errors.ts'

export interface PatientRow {
  row: Row
  /** Every feature, nulls included: the card shows what was not recorded. */
  features: Record<string, FeatureValue>
  basis: string[]
}

/**
 * The model's feature row for the patient in context, from the gathered FHIR data, by the
 * model's own feature spec (look-back windows from now). Resources of any other patient are
 * left out, whatever a prefetch Bundle held. A patient who has died is refused with
 * `patient.deceased` unless the model's manifest says it applies to deceased patients.
 */
export function patientRow(etl: ClinicalETL, resources: FhirResource[], patientId: string, now: number, manifest: ModelManifest): PatientRow {
  const records = etl.fromBundle({ entry: resources.map((resource) => ({ resource })) })
  const record = records.find((r) => r.patientId === patientId)
  if (!record) throw new NexoraError('cds.prefetch_missing', { detail: 'patient (no record for context.patientId)' })
  refuseDeceased(manifest, record.resources, now)
  const extracted = etl.transform(record, { now, indexTime: now })
  const features = Object.fromEntries(Object.entries(extracted.features).filter(([, v]) => v !== null)) as Row['features']
  return {
    row: { patientRef: `Patient/${patientId}`, features, ...(extracted.sequence ? { sequence: extracted.sequence } : {}) },
    features: extracted.features,
    basis: extracted.basis,
  }
}
