import { Code, ConnectError } from '@connectrpc/connect'
import { toNexoraError, type ErrorCode } from '../../core/index.ts'

/**
 * NexoraError codes whose gRPC status is not the one their HTTP status implies (see BY_HTTP).
 * Partial on purpose: a code added to core/errors.ts still maps, through its HTTP status.
 */
const BY_CODE: Partial<Record<ErrorCode, Code>> = {
  'route.not_found': Code.Unimplemented,
  'request.too_large': Code.ResourceExhausted,
  'request.timeout': Code.DeadlineExceeded,
  'model.version_exists': Code.AlreadyExists,
  'model.artifact_corrupt': Code.DataLoss,
}

/** The gRPC status for an HTTP status, following the spirit of grpc's http-grpc-status-mapping.md. */
function byHttp(status: number): Code {
  if (status === 400 || status === 422) return Code.InvalidArgument
  if (status === 401) return Code.Unauthenticated
  if (status === 403) return Code.PermissionDenied
  if (status === 404) return Code.NotFound
  if (status === 409 || status === 412) return Code.FailedPrecondition
  if (status === 413 || status === 429) return Code.ResourceExhausted
  if (status === 502 || status === 503 || status === 504) return Code.Unavailable
  return Code.Internal
}

/**
 * The gRPC status a NexoraError code answers with on every gRPC front door.
 * @example grpcCode('model.not_found', 404) // Code.NotFound (5)
 */
export function grpcCode(code: ErrorCode, httpStatus: number): Code {
  return BY_CODE[code] ?? byHttp(httpStatus)
}

/**
 * grpc-js reads `grpc-message` with decodeURI, which leaves `%3A`, `%2F`… of these reserved
 * characters in the text it shows (connect percent-encodes the message): keep them out, and
 * keep the message printable ASCII. Details name fields and codes, never values (no PHI).
 */
export function asciiMessage(text: string): string {
  return text
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/[;,/?:@&=+$#%]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 300)
}

/** Trailers that travel with an error: the stable code, and the headers the error carries (Retry-After, WWW-Authenticate). */
export const ERROR_CODE_TRAILER = 'nexora-error-code'

/**
 * Map anything thrown by a service to a ConnectError: its status from the NexoraError code, a
 * plain-ASCII message `<code> - <detail>`, and the code again in the `nexora-error-code`
 * metadata. An unexpected error becomes INTERNAL with no text from it.
 * @example
 * throw toConnectError(new NexoraError('model.not_found', { detail: 'model "x" is not registered' }))
 */
export function toConnectError(thrown: unknown): ConnectError {
  if (thrown instanceof ConnectError) return thrown
  const error = toNexoraError(thrown)
  const message = error.detail ? `${error.code} - ${asciiMessage(error.detail)}` : error.code
  const metadata = new Headers(error.headers)
  metadata.set(ERROR_CODE_TRAILER, error.code)
  return new ConnectError(message, grpcCode(error.code, error.status), metadata)
}
