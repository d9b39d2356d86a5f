import type { NexoraError } from '../errors.ts'

/** The stable `type` URI of a problem: one per error code. */
export const problemType = (code: string) => `urn:nexora:problem:${code}`

/** An RFC 9457 problem document for a NexoraError. */
export function toProblem(error: NexoraError, requestId?: string) {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail ? { detail: error.detail } : {}),
    ...(error.issues ? { issues: error.issues } : {}),
    ...(requestId ? { requestId } : {}),
  }
}

/** Render a NexoraError as `application/problem+json`, with any headers it carries. */
export function problemResponse(error: NexoraError, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json', ...(requestId ? { 'x-request-id': requestId } : {}), ...error.headers },
  })
}
