/**
 * OBX → Observation, per the IG's "Segment OBX to Observation" map: OBX-3 code, OBX-5 value by its
 * OBX-2 type, OBX-6 units, OBX-7 reference range, OBX-8 interpretation, OBX-11 status, OBX-14 time
 * (else the OBR-7 of the order it belongs to). A value type without a mapping here keeps the
 * Observation, with `dataAbsentReason: unsupported` in place of a value rather than a guess.
 */
import type { CodeableConcept, Observation, Quantity } from 'fhir/r4.js'
import { codingSystem, resultStatus } from './codes.ts'
import { codeableConcept } from './datatypes.ts'
import { componentText, type Hl7MessageLike, type Hl7SegmentLike, invalid, missing, repetitions, text } from './message.ts'
import { toFhirDateTime } from './time.ts'

const NM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/** OBX-6 → the unit part of a Quantity: code and system only when the sender named the coding system. */
function unit(message: Hl7MessageLike, obx: Hl7SegmentLike): Partial<Quantity> {
  const [code, display, system] = [1, 2, 3].map((c) => componentText(message, obx, 6, c)) as [string, string, string]
  const uri = codingSystem(system)
  const label = display || code
  return { ...(label ? { unit: label } : {}), ...(uri && code ? { system: uri, code } : {}) }
}

type Value = Pick<Observation, 'valueQuantity' | 'valueString' | 'valueCodeableConcept' | 'valueDateTime' | 'dataAbsentReason'>

function value(message: Hl7MessageLike, obx: Hl7SegmentLike, zone: string | undefined): Value {
  const type = componentText(message, obx, 2).toUpperCase()
  const reps = repetitions(obx, 5)
  const first = componentText(message, obx, 5)
  if (reps.every((rep) => rep.every((c) => text(message, c) === ''))) return {}
  switch (type) {
    case 'NM':
      if (!NM.test(first)) throw invalid('OBX-5', 'not an NM number')
      return { valueQuantity: { value: Number(first), ...unit(message, obx) } }
    case 'ST':
    case 'TX':
    case 'FT': {
      // TX and FT repeat line by line; a component separator inside the text was meant literally.
      const lines = reps.map((rep) => text(message, rep.join(message.context.componentSeparator)))
      return { valueString: lines.join('\n') }
    }
    case 'CE':
    case 'CWE':
    case 'CNE': {
      const concept = codeableConcept(message, reps[0])
      return concept ? { valueCodeableConcept: concept } : {}
    }
    case 'DT':
    case 'DTM':
    case 'TS': {
      const at = toFhirDateTime(first, 'OBX-5', zone)
      return at ? { valueDateTime: at } : {}
    }
    default:
      return { dataAbsentReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'unsupported' }] } }
  }
}

export interface ObservationContext {
  patientId: string
  encounterId?: string
  /** The OBR-7 (observation date/time) of the order this OBX follows, raw. */
  orderTime: string
  zone: string | undefined
}

export function mapObservation(message: Hl7MessageLike, obx: Hl7SegmentLike, context: ObservationContext): Observation {
  const code = codeableConcept(message, repetitions(obx, 3)[0])
  if (!code) throw missing('OBX-3')
  const effective = toFhirDateTime(componentText(message, obx, 14), 'OBX-14', context.zone) ?? toFhirDateTime(context.orderTime, 'OBR-7', context.zone)
  const range = componentText(message, obx, 7)
  const interpretation = repetitions(obx, 8)
    .map((rep) => text(message, rep[0] ?? ''))
    .filter(Boolean)
    .map((c): CodeableConcept => ({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0078', code: c }] }))
  return {
    resourceType: 'Observation',
    status: resultStatus(componentText(message, obx, 11).toUpperCase()) as Observation['status'],
    code,
    subject: { reference: `Patient/${context.patientId}` },
    ...(context.encounterId ? { encounter: { reference: `Encounter/${context.encounterId}` } } : {}),
    ...(effective ? { effectiveDateTime: effective } : {}),
    ...value(message, obx, context.zone),
    ...(interpretation.length ? { interpretation } : {}),
    ...(range ? { referenceRange: [{ text: range }] } : {}),
  }
}
