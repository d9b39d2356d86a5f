import { errorCodes, type ErrorCode } from '../errors.ts'
import type { AuditEvent } from '../ports/audit.ts'

const DCM = 'http://dicom.nema.org/resources/ontology/DCM'
const NEXORA_ACTION = 'urn:nexora:audit-action'

type Coding = { system: string; code: string; display: string }

/** DICOM event type (and action code) per Nexora action family. */
function typeOf(action: string): { type: Coding; subtype: Coding; action: 'C' | 'R' | 'U' | 'D' | 'E' } {
  const subtype = { system: NEXORA_ACTION, code: action, display: action }
  if (action.startsWith('predict.')) return { type: { system: DCM, code: '110110', display: 'Patient Record' }, subtype, action: 'E' }
  if (action === 'auth.invalid_token')
    return { type: { system: DCM, code: '110114', display: 'User Authentication' }, subtype: { system: DCM, code: '110122', display: 'Login' }, action: 'E' }
  if (action.startsWith('auth.') || action.startsWith('rate.'))
    return { type: { system: DCM, code: '110113', display: 'Security Alert' }, subtype, action: 'E' }
  if (action.startsWith('audit.')) return { type: { system: DCM, code: '110101', display: 'Audit Log Used' }, subtype, action: 'R' }
  return { type: { system: DCM, code: '110110', display: 'Patient Record' }, subtype, action: 'R' }
}

/** 0 success; 4 minor failure (refused or a client error); 8 serious (a service failure); 12 major (a bug). */
function outcomeOf(event: AuditEvent): '0' | '4' | '8' | '12' {
  if (event.outcome === 'success') return '0'
  if (event.outcome === 'denied') return '4'
  // A stored reason may name a code of a plugin this process has not loaded: count it as a bug (12) rather than guess.
  const status = errorCodes().get(event.reason as ErrorCode)?.status ?? 500
  return status < 500 ? '4' : status === 500 ? '12' : '8'
}

const asReference = (patient: string) => (patient.includes('/') ? patient : `Patient/${patient}`)

/** One audit event as a FHIR R4 AuditEvent: agent.who the user, entity.what the patient, model and version in entity.detail. */
export function toFhirAuditEvent(event: AuditEvent) {
  const { type, subtype, action } = typeOf(event.action)
  const patients = event.patientRef ? [event.patientRef] : Array.isArray(event.context.patients) ? (event.context.patients as string[]) : []
  const detail = [
    ...(event.model ? [{ type: 'model', valueString: event.model }] : []),
    ...(event.version ? [{ type: 'version', valueString: event.version }] : []),
    { type: 'seq', valueString: String(event.seq) },
    { type: 'hash', valueString: event.hash },
  ]
  const entity =
    patients.length > 0
      ? patients.map((p) => ({
          what: { reference: asReference(p) },
          type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
          role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
          detail,
        }))
      : [
          {
            what: { display: event.model ?? 'nexora' },
            type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
            detail,
          },
        ]
  return {
    resourceType: 'AuditEvent' as const,
    id: `nexora-${event.seq}`,
    type,
    subtype: [subtype],
    action,
    recorded: event.ts,
    outcome: outcomeOf(event),
    ...(event.reason ? { outcomeDesc: event.reason } : {}),
    ...(event.context.purpose
      ? { purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: String(event.context.purpose) }] }] }
      : {}),
    agent: [
      {
        who: { identifier: { system: 'urn:nexora:subject', value: event.actor } },
        requestor: true,
        ...(event.ip ? { network: { address: event.ip, type: '2' } } : {}),
      },
    ],
    source: {
      observer: { display: 'Nexora' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity,
  }
}

/** A searchset Bundle of AuditEvents, with a `next` link when there are more. */
export function toAuditEventBundle(events: AuditEvent[], nextUrl?: string) {
  return {
    resourceType: 'Bundle' as const,
    type: 'searchset' as const,
    ...(nextUrl ? { link: [{ relation: 'next', url: nextUrl }] } : {}),
    entry: events.map((e) => ({ fullUrl: `urn:nexora:audit:${e.seq}`, resource: toFhirAuditEvent(e) })),
  }
}
