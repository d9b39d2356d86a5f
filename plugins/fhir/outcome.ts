import { NexoraError, type ErrorCode } from '../../core/index.ts'

interface Issue {
  severity?: string
  code?: string
}

/**
 * Turn a FHIR server's error (usually an OperationOutcome) into a coded NexoraError. Only the
 * issue `severity` and `code` are kept: `diagnostics` and `details.text` are free text that can
 * quote the patient, so they never reach a message.
 */
export function fhirError(status: number, body: unknown, context: string): NexoraError {
  const issues =
    (body as { resourceType?: string; issue?: Issue[] })?.resourceType === 'OperationOutcome'
      ? ((body as { issue?: Issue[] }).issue ?? []).map((i) => `${i.severity ?? 'error'}/${i.code ?? 'unknown'}`)
      : []
  const code: ErrorCode =
    status === 404 || status === 410
      ? 'fhir.not_found'
      : status === 401 || status === 403
        ? 'fhir.unauthorized'
        : status >= 500 || status === 429
          ? 'fhir.unavailable'
          : 'fhir.request_failed'
  return new NexoraError(code, { detail: `${context}: HTTP ${status}${issues.length ? ` (${issues.join(', ')})` : ''}` })
}
