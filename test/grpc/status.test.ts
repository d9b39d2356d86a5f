import { Code, ConnectError } from '@connectrpc/connect'
import { describe, expect, it } from 'vitest'
import { errorInfo, NexoraError, type ErrorCode } from '../../core/index.ts'
import { asciiMessage, grpcCode, toConnectError } from '../../plugins/grpc/status.ts'
import { allErrorCodes } from '../../testkit/error-codes.ts'

describe('NexoraError → gRPC status', () => {
  it('maps the codes clients act on to the status the gRPC spec gives them', () => {
    const expected: [ErrorCode, Code][] = [
      ['request.invalid', Code.InvalidArgument],
      ['batch.empty', Code.InvalidArgument],
      ['batch.too_large', Code.InvalidArgument],
      ['features.unknown', Code.InvalidArgument],
      ['features.missing', Code.InvalidArgument],
      ['features.invalid', Code.InvalidArgument],
      ['auth.unauthenticated', Code.Unauthenticated],
      ['auth.forbidden', Code.PermissionDenied],
      ['model.not_found', Code.NotFound],
      ['model.version_not_found', Code.NotFound],
      ['model.alias_not_found', Code.NotFound],
      ['model.version_archived', Code.FailedPrecondition],
      ['rate.limited', Code.ResourceExhausted],
      ['request.too_large', Code.ResourceExhausted],
      ['audit.write_failed', Code.Unavailable],
      ['storage.unavailable', Code.Unavailable],
      ['model.load_failed', Code.Unavailable],
      ['nexora.closed', Code.Unavailable],
      ['request.timeout', Code.DeadlineExceeded],
      ['internal', Code.Internal],
    ]
    expect(expected.map(([code]) => [code, grpcCode(code, errorInfo(code).status)])).toEqual(expected)
  })

  it("gives every code, core's and each plugin's, a definite status (never UNKNOWN), new codes included through their HTTP status", async () => {
    const codes = await allErrorCodes()
    expect(codes.has('cds.prefetch_missing')).toBe(true)
    for (const [code, info] of codes) expect(grpcCode(code, info.status), code).not.toBe(Code.Unknown)
  })

  it('answers with a plain-ASCII message that grpc-js shows unmangled, the code in metadata, and the error headers', () => {
    const error = toConnectError(
      new NexoraError('auth.forbidden', { detail: 'requires scope "nexora/predict"', headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' } }),
    )
    expect(error.code).toBe(Code.PermissionDenied)
    expect(error.rawMessage).toBe('auth.forbidden - requires scope "nexora predict"')
    // What connect puts in grpc-message, decoded as grpc-js does (decodeURI): nothing stays escaped.
    expect(decodeURI(encodeURIComponent(error.rawMessage))).toBe(error.rawMessage)
    expect(error.metadata.get('nexora-error-code')).toBe('auth.forbidden')
    expect(error.metadata.get('www-authenticate')).toBe('Bearer error="insufficient_scope"')
  })

  it('says nothing of an unexpected error but that it is internal', () => {
    const error = toConnectError(new Error('ECONNREFUSED 10.0.0.7:5432 while reading Patient/123'))
    expect([error.code, error.rawMessage]).toEqual([Code.Internal, 'internal'])
  })

  it('passes ConnectErrors (from the protocol layer) through unchanged', () => {
    const original = new ConnectError('bad wire format', Code.InvalidArgument)
    expect(toConnectError(original)).toBe(original)
  })

  it('replaces non-ASCII and reserved characters, and bounds the length', () => {
    expect(asciiMessage('name must be 1–128 characters: a/b=c, d#e “é”')).toBe('name must be 1-128 characters a b c d e "_"')
    expect(asciiMessage('x'.repeat(1000))).toHaveLength(300)
  })
})
