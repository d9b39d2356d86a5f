/**
 * HL7 table 0357 (message error condition) for each reject code, as the NACK's ERR-3 reports it.
 * Kept out of errors.ts, whose exports are code tables only (the docs and gRPC tests read them all).
 */
import type { Hl7RejectCode } from './errors.ts'

export const CONDITION: Readonly<Record<Hl7RejectCode, readonly [code: string, display: string]>> = {
  'hl7.malformed': ['100', 'Segment sequence error'],
  'hl7.required_missing': ['101', 'Required field missing'],
  'hl7.no_patient': ['101', 'Required field missing'],
  'hl7.invalid_value': ['102', 'Data type error'],
  'hl7.unsupported_charset': ['103', 'Table value not found'],
  // 104 is v2.7's; older receivers still read the AR in MSA-1.
  'hl7.too_large': ['104', 'Value too long'],
  'hl7.unsupported_type': ['200', 'Unsupported message type'],
  'hl7.unsupported_event': ['201', 'Unsupported event code'],
  'hl7.unsupported_version': ['203', 'Unsupported version id'],
  'hl7.unsupported': ['207', 'Application internal error'],
}

/** The condition for everything else: the application failed (an AE, which tells the sender to resend). */
export const INTERNAL_CONDITION = ['207', 'Application internal error'] as const

export const isRejectCode = (code: unknown): code is Hl7RejectCode => typeof code === 'string' && Object.hasOwn(CONDITION, code)
