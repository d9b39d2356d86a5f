/**
 * The codes the HL7 v2 feed raises. Each reject code stands for one HL7 table 0357 condition, so
 * the NACK's ERR segment says the same thing in HL7's words; `issues[0].path` names the segment
 * and field (`PID-3`), never a value.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const HL7_ERRORS = defineErrorCodes({
  'hl7.malformed': { status: 400, title: 'The HL7 v2 message is malformed: no MSH header, bad delimiters or a bad segment' },
  'hl7.required_missing': { status: 400, title: 'A field or segment the HL7 v2 message needs is empty or absent' },
  'hl7.no_patient': { status: 422, title: 'The HL7 v2 message names no patient identifier (PID-3)' },
  'hl7.invalid_value': { status: 400, title: 'An HL7 v2 field holds a value of the wrong data type' },
  'hl7.unsupported_charset': { status: 415, title: 'The HL7 v2 character set (MSH-18) is not supported' },
  'hl7.unsupported_type': { status: 422, title: 'The HL7 v2 message type is not supported' },
  'hl7.unsupported_event': { status: 422, title: 'The HL7 v2 trigger event is not supported' },
  'hl7.unsupported_version': { status: 422, title: 'The HL7 v2 version is not supported' },
  'hl7.unsupported': { status: 422, title: 'The HL7 v2 message is valid but its content is not supported (one patient per message)' },
  'hl7.too_large': { status: 413, title: 'The HL7 v2 message exceeds the size limit' },
})

type Hl7Errors = typeof HL7_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends Hl7Errors {}
}

export type Hl7RejectCode = keyof Hl7Errors
