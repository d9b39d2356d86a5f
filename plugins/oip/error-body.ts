import type { NexoraError } from '../../core/index.ts'

/**
 * A NexoraError as the protocol's error object, `{"error": "..."}`, with the code's HTTP status.
 * The string leads with our stable code in brackets so clients can branch on it; the rest is
 * the title, detail and field paths, which by construction never carry a value (no PHI).
 */
export function oipError(error: NexoraError, requestId?: string): Response {
  const issues = error.detail ? [] : (error.issues ?? []).slice(0, 5).map((i) => `${i.path}: ${i.message}`)
  const text = [`[${error.code}] ${error.title}`, error.detail, issues.join('; ')].filter(Boolean).join(': ')
  return new Response(JSON.stringify({ error: text }), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}), ...error.headers },
  })
}
