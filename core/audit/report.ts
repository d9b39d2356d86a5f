import type { AuditEvent, AuditSink } from '../ports/audit.ts'

export interface PatientAccess {
  first: string
  last: string
  events: number
  users: string[]
}

/** The seed's generate_report: who did what, to whom, with which model, and what was refused. */
export interface AuditReport {
  from: string
  to: string
  total: number
  byUser: Record<string, number>
  byPatient: Record<string, number>
  byModel: Record<string, number>
  byAction: Record<string, number>
  byOutcome: Record<string, number>
  denied: { total: number; byReason: Record<string, number>; byUser: Record<string, number> }
  /** First and last access per patient, and who accessed the record ("who looked at this patient?"). */
  patients: Record<string, PatientAccess>
}

const bump = (counts: Record<string, number>, key: string | null | undefined) => {
  if (key) counts[key] = (counts[key] ?? 0) + 1
}

/** The patients an event touched: its patient, or each one of a multi-patient batch. */
export function patientsOf(event: AuditEvent): string[] {
  if (event.patientRef) return [event.patientRef]
  const listed = event.context.patients
  return Array.isArray(listed) ? listed.filter((p): p is string => typeof p === 'string') : []
}

/** Build the report by streaming the window page by page, so memory stays flat on a long trail. */
export async function generateReport(sink: AuditSink, from: string, to: string, pageSize = 1000): Promise<AuditReport> {
  const report: AuditReport = {
    from,
    to,
    total: 0,
    byUser: {},
    byPatient: {},
    byModel: {},
    byAction: {},
    byOutcome: {},
    denied: { total: 0, byReason: {}, byUser: {} },
    patients: {},
  }
  const users = new Map<string, Set<string>>()
  let afterSeq: number | undefined
  do {
    const page = await sink.query({ from, to }, { limit: pageSize, afterSeq })
    for (const event of page.events) {
      report.total++
      bump(report.byUser, event.actor)
      bump(report.byModel, event.model)
      bump(report.byAction, event.action)
      bump(report.byOutcome, event.outcome)
      if (event.outcome === 'denied') {
        report.denied.total++
        bump(report.denied.byReason, event.reason ?? 'unspecified')
        bump(report.denied.byUser, event.actor)
      }
      for (const patient of patientsOf(event)) {
        bump(report.byPatient, patient)
        const seen = report.patients[patient] ?? { first: event.ts, last: event.ts, events: 0, users: [] }
        seen.first = event.ts < seen.first ? event.ts : seen.first
        seen.last = event.ts > seen.last ? event.ts : seen.last
        seen.events++
        report.patients[patient] = seen
        users.set(patient, (users.get(patient) ?? new Set()).add(event.actor))
      }
    }
    afterSeq = page.nextAfterSeq
  } while (afterSeq !== undefined)
  for (const [patient, who] of users) report.patients[patient]!.users = [...who].sort()
  return report
}
