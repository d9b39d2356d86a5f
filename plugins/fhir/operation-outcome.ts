import type { NexoraError } from '../../core/index.ts'

/** FHIR issue-type codes for our HTTP statuses. */
function issueCode(status: number): string {
  if (status === 401) return 'login'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not-found'
  if (status === 409) return 'conflict'
  if (status === 412) return 'processing'
  if (status === 413) return 'too-costly'
  if (status === 422) return 'processing'
  if (status === 429) return 'throttled'
  if (status === 503) return 'transient'
  if (status >= 500) return 'exception'
  return 'invalid'
}

/**
 * An error as a FHIR R4 OperationOutcome: the issue code from the status, our stable code in
 * `details.coding`, the title and field paths in `diagnostics`/`expression` — never a value.
 * CDS Hooks answers the same body as plain `application/json`.
 */
export function operationOutcome(error: NexoraError, requestId?: string, contentType = 'application/fhir+json'): Response {
  const body = {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: error.status >= 500 ? 'fatal' : 'error',
        code: issueCode(error.status),
        details: { coding: [{ system: 'urn:nexora:problem', code: error.code }], text: error.title },
        diagnostics: error.detail ? `${error.title}: ${error.detail}` : error.title,
        ...(error.issues ? { expression: error.issues.map((i) => i.path) } : {}),
      },
    ],
  }
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': contentType, ...(requestId ? { 'x-request-id': requestId } : {}), ...error.headers },
  })
}
