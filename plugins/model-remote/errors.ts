/**
 * The codes only model-remote raises: a remote model server that is not allowed, slow, down or
 * answering nonsense. They are 5xx (except the allowlist refusal) because the caller's rows were
 * valid: what failed is the server Nexora fronts, or this server's set-up.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const REMOTE_ERRORS = defineErrorCodes({
  'remote.endpoint_not_allowed': { status: 403, title: "The manifest's remote endpoint is not on this server's allowlist of model servers" },
  'remote.timeout': { status: 504, title: 'The remote model server did not answer in time' },
  'remote.unavailable': { status: 503, title: 'The remote model server is unreachable or unavailable (after the retries)' },
  'remote.circuit_open': { status: 503, title: 'Calls to the remote model server are paused after repeated failures (circuit breaker open)' },
  'remote.bad_response': {
    status: 502,
    title: 'The remote model server failed the inference (a 5xx) or answered with something that is not an inference response',
  },
  'remote.refused': { status: 502, title: 'The remote model server refused the inference request (a 4xx: credentials, model name or tensors)' },
  'remote.missing_value': { status: 422, title: 'A row lacks an optional feature, which the remote protocol cannot carry' },
  'remote.explain_unsupported': { status: 501, title: 'The remote model does not explain its scores (its manifest says so)' },
})

type RemoteErrors = typeof REMOTE_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends RemoteErrors {}
}
