/**
 * PID → Patient, per the IG's "Segment PID to Patient" map, reduced to what scoring reads: every
 * PID-3 identifier, PID-5 names, PID-7 birth date, PID-8 sex and PID-29/30 death. The first PID-3
 * repetition with a value is the patient: its value, as a FHIR id, is the id every resource refers to.
 */
import type { HumanName, Identifier, Patient } from 'fhir/r4.js'
import { NexoraError } from '../../core/index.ts'
import { GENDER } from './codes.ts'
import { type DatatypeOptions, fhirId, identifier } from './datatypes.ts'
import './errors.ts'
import { componentText, type Hl7MessageLike, type Hl7SegmentLike, repetitions, subcomponents, text } from './message.ts'
import { toFhirDate, toFhirDateTime } from './time.ts'

const noPatient = () => new NexoraError('hl7.no_patient', { detail: 'PID-3 has no identifier value', issues: [{ path: 'PID-3', message: 'required' }] })

/** XPN → HumanName: family (FN.1), given and further given names, prefix, suffix and degree; name type L is the official name. */
function humanName(message: Hl7MessageLike, xpn: readonly string[]): HumanName | undefined {
  const part = (i: number) => text(message, xpn[i] ?? '')
  const family = subcomponents(message, xpn[0] ?? '')[0] ?? ''
  const given = [part(1), part(2)].filter(Boolean)
  const suffix = [part(3), part(5)].filter(Boolean)
  const prefix = part(4)
  if (!family && given.length === 0) return undefined
  return {
    ...(part(6).toUpperCase() === 'L' ? { use: 'official' as const } : {}),
    ...(family ? { family } : {}),
    ...(given.length ? { given } : {}),
    ...(prefix ? { prefix: [prefix] } : {}),
    ...(suffix.length ? { suffix } : {}),
  }
}

export interface MappedPatient {
  patientId: string
  patient: Patient
}

/** The Patient of the message's one PID. `zone` is the sender's default time zone, if known. */
export function mapPatient(message: Hl7MessageLike, pid: Hl7SegmentLike, options: DatatypeOptions, zone: string | undefined): MappedPatient {
  const identifiers = repetitions(pid, 3)
    .map((cx) => identifier(message, cx, options))
    .filter((id): id is Identifier => id !== undefined)
  const first = identifiers[0]
  if (!first?.value) throw noPatient()
  const patientId = fhirId(first.value)
  const patient: Patient = { resourceType: 'Patient', id: patientId, identifier: identifiers }

  const names = repetitions(pid, 5)
    .map((xpn) => humanName(message, xpn))
    .filter((n): n is HumanName => n !== undefined)
  if (names.length) patient.name = names

  const born = componentText(message, pid, 7)
  const birthDate = toFhirDate(born, 'PID-7')
  if (birthDate) patient.birthDate = birthDate
  // A birth time is FHIR's patient-birthTime extension on birthDate, kept only when it can be placed in a zone.
  const birthTime = toFhirDateTime(born, 'PID-7', zone)
  if (birthTime?.includes('T')) {
    patient._birthDate = { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime', valueDateTime: birthTime }] }
  }

  const gender = GENDER[componentText(message, pid, 8).toUpperCase()]
  if (gender) patient.gender = gender

  const died = toFhirDateTime(componentText(message, pid, 29), 'PID-29', zone)
  const indicator = componentText(message, pid, 30).toUpperCase()
  if (died) patient.deceasedDateTime = died
  else if (indicator === 'Y' || indicator === 'N') patient.deceasedBoolean = indicator === 'Y'
  return { patientId, patient }
}
