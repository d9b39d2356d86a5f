import type { OperationOutcome } from 'fhir/r4.js'
import type { Interaction } from './auth.ts'

export const FHIR_JSON = 'application/fhir+json; charset=utf-8'

/** What an interaction answers, before it becomes an HTTP response (or a Bundle entry's response). */
export interface Result {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export type IssueCode =
  | 'invalid'
  | 'not-found'
  | 'not-supported'
  | 'login'
  | 'forbidden'
  | 'conflict'
  | 'throttled'
  | 'transient'
  | 'exception'
  | 'processing'
  | 'informational'

export function operationOutcome(code: IssueCode, diagnostics: string, severity: 'error' | 'warning' | 'information' = 'error'): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] }
}

export const failure = (status: number, code: IssueCode, diagnostics: string, headers?: Record<string, string>): Result => ({
  status,
  body: operationOutcome(code, diagnostics),
  ...(headers ? { headers } : {}),
})

export function toResponse(result: Result): Response {
  return new Response(JSON.stringify(result.body), { status: result.status, headers: { 'content-type': FHIR_JSON, ...result.headers } })
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
}

/** Bundle.entry.response.status: the code and, as servers usually send, its reason phrase. */
export const statusLine = (status: number) => `${status}${REASONS[status] ? ` ${REASONS[status]}` : ''}`

export const forbidden = (type: string, interaction: Interaction) =>
  failure(403, 'forbidden', `the access token's scopes do not allow ${interaction} on ${type}`)
