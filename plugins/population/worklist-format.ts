import type { RiskScore } from '../../core/index.ts'

const COLUMNS = ['patient', 'score', 'label', 'status', 'reason', 'model', 'version', 'scoredAt'] as const

/**
 * One CSV cell: quoted when it holds a separator, and a leading `=`, `+`, `-` or `@` defused with
 * a quote (a worklist opened in a spreadsheet must not run a formula; OWASP CSV injection).
 */
function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The worklist as CSV (RFC 4180, CRLF line ends), header first. */
export const toCsv = (scores: RiskScore[]) => [COLUMNS.join(','), ...scores.map((s) => COLUMNS.map((c) => cell(s[c])).join(','))].join('\r\n') + '\r\n'

/** The worklist as NDJSON: one result a line. */
export const toNdjson = (scores: RiskScore[]) => scores.map((s) => JSON.stringify(s)).join('\n') + (scores.length ? '\n' : '')
