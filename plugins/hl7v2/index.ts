/**
 * The HL7 v2 feed: hospitals' real-time ADT and lab-result messages, mapped to FHIR R4 so Nexora
 * can re-score a patient when one arrives (ADT^A01/A03/A04/A08, ORU^R01). Parsing is Medplum's
 * (`Hl7Message` of `@medplum/core`, an optional peer, loaded on first use); the mapping follows the HL7 v2-to-FHIR
 * IG. This entry is runtime-neutral: parse, map and acknowledge anywhere. The MLLP listener, which
 * needs node:net, is `nexora/plugins/hl7v2/node`. See docs/hl7v2.md.
 * @example
 * import { hl7ToFhir, parseHl7 } from 'nexora/plugins/hl7v2'
 * const { patientId, resources, event, controlId } = hl7ToFhir(await parseHl7(text))
 */
import './errors.ts'

export { type AckCode, type AckOptions, buildAck } from './ack.ts'
export { decodeHl7 } from './decode.ts'
export { HL7_ERRORS, type Hl7RejectCode } from './errors.ts'
export { type Hl7Event, type Hl7MapOptions, type Hl7Mapped, type Hl7Resource, hl7ToFhir } from './map.ts'
export type { Hl7FieldLike, Hl7MessageLike, Hl7SegmentLike } from './message.ts'
export { createMllpDeframer, frame, type MllpDeframer, type MllpEvent } from './mllp-frame.ts'
export { parseHl7 } from './parse.ts'
