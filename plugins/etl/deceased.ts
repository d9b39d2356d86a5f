import { NexoraError, type FhirResource, type ModelManifest } from '../../core/index.ts'
import './errors.ts'
import { fhirTime } from './time.ts'

type PatientLike = FhirResource & { deceasedBoolean?: unknown; deceasedDateTime?: unknown }

/** When the patient died (ms since the epoch), or NaN when the record gives no valid date. */
export function deathTime(patient: FhirResource | undefined): number {
  return fhirTime((patient as PatientLike | undefined)?.deceasedDateTime)
}

/**
 * Had the patient died by `at` (ms)? True from `deceasedDateTime` on, and always for
 * `deceasedBoolean: true`: without a date the death cannot be placed after the index time, and
 * scoring a dead patient as alive is the worse mistake.
 * @example isDeceasedAt({ resourceType: 'Patient', deceasedDateTime: '2006-01-27' }, Date.now()) // true
 */
export function isDeceasedAt(patient: FhirResource | undefined, at: number): boolean {
  if (!patient) return false
  if ((patient as PatientLike).deceasedBoolean === true) return true
  const death = deathTime(patient)
  return !Number.isNaN(death) && death <= at
}

/** Does the model say it applies to deceased patients (manifest `appliesToDeceased`, default false)? */
export const appliesToDeceased = (manifest: ModelManifest): boolean => (manifest as ModelManifest & { appliesToDeceased?: unknown }).appliesToDeceased === true

/**
 * Refuse to score a patient who had died by the index time with a model that does not apply
 * to deceased patients: `patient.deceased` (422). Thrown from a front door's row loader, inside
 * the audited part of the pipeline, so the refusal is recorded as the response's reason. The
 * message names the model only, never the patient or a date.
 * @example refuseDeceased(stored.manifest, record.resources, indexTime)
 */
export function refuseDeceased(manifest: ModelManifest, resources: FhirResource[], indexTime: number): void {
  if (appliesToDeceased(manifest)) return
  if (
    !isDeceasedAt(
      resources.find((r) => r.resourceType === 'Patient'),
      indexTime,
    )
  )
    return
  throw new NexoraError('patient.deceased', {
    detail: `model "${manifest.name}" does not apply to deceased patients (its manifest does not set appliesToDeceased)`,
  })
}
