import type { AuditEvent } from './types.ts'

export const CSV_COLUMNS = [
  'seq',
  'ts',
  'actor',
  'action',
  'outcome',
  'patientRef',
  'model',
  'version',
  'reason',
  'requestId',
  'ip',
  'context',
  'prevHash',
  'hash',
] as const

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A text cell that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let s = typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The events as CSV, a header row first, CRLF line ends. */
export function eventsToCsv(events: AuditEvent[]): string {
  const rows = [CSV_COLUMNS.join(','), ...events.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))]
  return `${rows.join('\r\n')}\r\n`
}

export const stamp = (d = new Date()) => d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
