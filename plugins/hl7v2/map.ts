/**
 * One HL7 v2 message → the FHIR R4 resources Nexora re-scores a patient from. Pure and synchronous:
 * no I/O, no runtime API, no clock, so it runs wherever a parsed message exists. A message it cannot
 * take throws a coded `NexoraError` (`hl7.*`, see errors.ts) whose `issues[0].path` names the field.
 */
import type { Encounter, Observation, Patient } from 'fhir/r4.js'
import { type FhirResource, NexoraError } from '../../core/index.ts'
import { patientClass } from './codes.ts'
import { type DatatypeOptions, fhirId, identifier } from './datatypes.ts'
import './errors.ts'
import { componentText, type Hl7MessageLike, type Hl7SegmentLike, missing, repetitions } from './message.ts'
import { mapObservation } from './observation.ts'
import { mapPatient } from './patient.ts'
import { toFhirDateTime, ZONE } from './time.ts'

/** The trigger events Nexora re-scores on: admit, discharge, register, update, and an unsolicited lab result. */
export type Hl7Event = 'A01' | 'A03' | 'A04' | 'A08' | 'R01'

const EVENTS: Readonly<Record<string, readonly Hl7Event[]>> = { ADT: ['A01', 'A03', 'A04', 'A08'], ORU: ['R01'] }
/** v2.3 onwards: the versions with MSH-9's trigger event component and OBX-14 as the mapping reads them. */
const VERSIONS = /^2\.(3|3\.1|4|5|5\.1|6|7|7\.1|8|8\.1|8\.2|9)$/

/** A Patient, Encounter or Observation, published as core's loose FhirResource so these declarations need no @types/fhir. */
export type Hl7Resource = FhirResource & { resourceType: 'Patient' | 'Encounter' | 'Observation' }

export interface Hl7Mapped {
  /** The FHIR id of the patient: PID-3's first identifier value, made a valid id. Every resource refers to `Patient/<patientId>`. */
  patientId: string
  /** The Patient first, then the Encounter (PV1), then one Observation per OBX of an ORU^R01. */
  resources: Hl7Resource[]
  event: Hl7Event
  /** MSH-10: the sender's message control id, which the ACK echoes (and a consumer can deduplicate resends on). */
  controlId: string
}

export interface Hl7MapOptions {
  /** Assigning-authority namespaces (CX.4's HD.1) → an Identifier.system URI, for authorities sent without a universal id. */
  assigningAuthorities?: Readonly<Record<string, string>>
  /** The sender's time zone (`+HHMM`) for timestamps sent without one. Default: MSH-7's zone, when it has one. */
  timeZone?: string
}

const reject = (code: 'hl7.malformed' | 'hl7.unsupported_type' | 'hl7.unsupported_event' | 'hl7.unsupported_version' | 'hl7.unsupported', path: string) =>
  new NexoraError(code, { detail: path, issues: [{ path, message: code }] })

/** Checked against the R4 types where built; published loosely (see Hl7Resource). */
const published = (resource: Patient | Encounter | Observation) => resource as unknown as Hl7Resource

interface Header {
  controlId: string
  type: string
  event: Hl7Event
  zone: string | undefined
}

/** MSH checks, in the order a NACK reports them: structure, control id, version, type, event. */
function header(message: Hl7MessageLike, options: Hl7MapOptions): Header {
  const msh = message.segments[0]
  if (msh?.name !== 'MSH') throw reject('hl7.malformed', 'MSH')
  const controlId = componentText(message, msh, 10)
  if (!controlId) throw missing('MSH-10')
  const version = componentText(message, msh, 12)
  if (!version) throw missing('MSH-12')
  if (!VERSIONS.test(version)) throw reject('hl7.unsupported_version', 'MSH-12')
  const type = componentText(message, msh, 9, 1).toUpperCase()
  if (!type) throw missing('MSH-9')
  const events = EVENTS[type]
  if (!events) throw reject('hl7.unsupported_type', 'MSH-9')
  const event = events.find((e) => e === componentText(message, msh, 9, 2).toUpperCase())
  if (!event) throw reject('hl7.unsupported_event', 'MSH-9')
  const sent = /[+-]\d{4}$/.exec(componentText(message, msh, 7))?.[0]
  const zone = options.timeZone !== undefined && ZONE.test(options.timeZone) ? options.timeZone : sent
  return { controlId, type, event, zone }
}

/** PV1 → Encounter: PV1-2 class, PV1-19 visit number as id and identifier, PV1-44/45 period, status from the event. */
function mapEncounter(message: Hl7MessageLike, pv1: Hl7SegmentLike, patientId: string, event: Hl7Event, zone: string | undefined, options: DatatypeOptions) {
  const visit = identifier(message, repetitions(pv1, 19)[0], options)
  const start = toFhirDateTime(componentText(message, pv1, 44), 'PV1-44', zone)
  const end = toFhirDateTime(componentText(message, pv1, 45), 'PV1-45', zone)
  const encounter: Encounter = {
    resourceType: 'Encounter',
    ...(visit ? { id: fhirId(visit.value!), identifier: [visit] } : {}),
    // A discharge, or an update that already carries the discharge time (PV1-45), ends the encounter.
    status: event === 'A03' || end ? 'finished' : 'in-progress',
    class: patientClass(componentText(message, pv1, 2).toUpperCase()),
    subject: { reference: `Patient/${patientId}` },
    ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
  }
  return encounter
}

/**
 * Map a parsed ADT^A01/A03/A04/A08 or ORU^R01 message to FHIR R4 resources.
 * @throws NexoraError `hl7.malformed`, `hl7.required_missing`, `hl7.no_patient`, `hl7.invalid_value`,
 *   `hl7.unsupported_type`, `hl7.unsupported_event`, `hl7.unsupported_version` or `hl7.unsupported`
 * @example
 * const mapped = hl7ToFhir(await parseHl7(text))
 * mapped.resources[0] // { resourceType: 'Patient', id: mapped.patientId, … }
 */
export function hl7ToFhir(message: Hl7MessageLike, options: Hl7MapOptions = {}): Hl7Mapped {
  const { controlId, type, event, zone } = header(message, options)
  const pids = message.segments.filter((s) => s.name === 'PID')
  if (pids.length === 0) throw new NexoraError('hl7.no_patient', { detail: 'no PID segment', issues: [{ path: 'PID', message: 'required' }] })
  if (pids.length > 1) throw reject('hl7.unsupported', 'PID')
  const { patientId, patient } = mapPatient(message, pids[0]!, options, zone)
  const resources: Hl7Resource[] = [published(patient)]

  const pv1 = message.segments.find((s) => s.name === 'PV1')
  // The ADT events need the visit (PV1 and its class are required there); in an ORU it is optional context.
  if (type === 'ADT' && !pv1) throw missing('PV1')
  if (type === 'ADT' && !componentText(message, pv1, 2)) throw missing('PV1-2')
  const encounter = pv1 && componentText(message, pv1, 2) ? mapEncounter(message, pv1, patientId, event, zone, options) : undefined
  if (encounter) resources.push(published(encounter))

  if (event === 'R01') {
    let orderTime = ''
    for (const segment of message.segments) {
      if (segment.name === 'OBR') orderTime = componentText(message, segment, 7)
      if (segment.name !== 'OBX') continue
      const observation = mapObservation(message, segment, { patientId, encounterId: encounter?.id, orderTime, zone })
      resources.push(published(observation))
    }
  }
  return { patientId, resources, event, controlId }
}
