/**
 * A request message that does not decode is the client's mistake: INVALID_ARGUMENT (HTTP 400 on
 * Connect) with the `nexora-error-code` metadata, on every protocol of both doors, never
 * INTERNAL or a 500, and never quoting the caller's bytes. Connect's codecs raise these failures
 * before any Nexora code runs (plugins/grpc/coded-refusals.ts restates them). Over the fetch
 * mount (Connect binary and JSON, gRPC-Web) and the real Node h2c listener (raw HTTP/2 gRPC,
 * grpc-js, Connect); the audit chain still verifies afterwards.
 */
import http2 from 'node:http2'
import { gzipSync } from 'node:zlib'
import { createClient } from '@connectrpc/connect'
import { createGrpcWebTransport as createNodeGrpcWebTransport } from '@connectrpc/connect-node'
import { createGrpcWebTransport } from '@connectrpc/connect-web'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Nexora } from '../../core/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { grpc, PredictionService } from '../../plugins/grpc/index.ts'
import { listenGrpc, type GrpcListener } from '../../plugins/grpc/node.ts'
import { grpcJsClients } from '../../testkit/grpc-js-client.ts'
import { toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../../testkit/tokens.ts'

const PREDICT = '/nexora.v1.PredictionService/Predict'
const INFER = '/inference.GRPCInferenceService/ModelInfer'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** Every malformed message below carries this text, which no answer may quote. */
const MARK = 'Patient/secret-4711'
const BODY_LIMIT = 64 * 1024

const bytes = (...parts: (number[] | string | Uint8Array)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : [...p])))
/** A length-delimited field (wire type 2) with a one-byte length. */
const ld = (field: number, content: Uint8Array) => bytes([(field << 3) | 2, content.length], content)
/** `purpose` (field 6) holding the mark: the decoder has read it before it fails. */
const marked = ld(6, bytes(MARK))
/** U+D800 as WTF-8: the bytes grpc-js writes for the JS string "\ud800". */
const LONE_SURROGATE = [0xed, 0xa0, 0x80]

/** PredictRequest bytes that do not decode, and the code each must be refused with. */
const MALFORMED: [string, Uint8Array, string][] = [
  ['invalid UTF-8 in a string field (model)', bytes(marked, ld(1, bytes(LONE_SURROGATE))), 'request.invalid_unicode'],
  ['invalid UTF-8 in a nested message (rows[0].patient_id)', bytes(marked, ld(4, ld(1, bytes('Patient/', LONE_SURROGATE)))), 'request.invalid_unicode'],
  ['a broken UTF-8 sequence (a lead byte alone)', bytes(marked, ld(1, bytes([0x41, 0xc3]))), 'request.invalid_unicode'],
  ['a string field cut short (length 40, 19 bytes sent)', bytes([0x0a, 40], MARK), 'request.invalid'],
  ['a truncated varint (explain, continuation bit set at the end)', bytes(marked, [0x28, 0xff]), 'request.invalid'],
  ['wire type 7 (does not exist)', bytes(marked, [0x0f, 0x01]), 'request.invalid'],
  ['the wrong wire type for a field (model as a varint: its value read as a length)', bytes(marked, [0x08, 0x7f]), 'request.invalid'],
  ['field number 0', bytes(marked, [0x00, 0x01]), 'request.invalid'],
  ['an end-group tag with no group', bytes(marked, [0x0c]), 'request.invalid'],
]

/** Connect JSON bodies the codec refuses. */
const MALFORMED_JSON: [string, string, string][] = [
  ['unterminated JSON', `{"model": "${MARK}`, 'request.malformed_json'],
  ['a duplicate key', `{"model": "toy", "model": "${MARK}"}`, 'request.malformed_json'],
  ['a \\ud800 escape in a string field', `{"model": "toy", "purpose": "${MARK}\\ud800"}`, 'request.invalid_unicode'],
  ['a \\udc00 escape in a nested field', `{"model": "toy", "rows": [{"patientId": "\\udc00${MARK}"}]}`, 'request.invalid_unicode'],
  ['a string where a number belongs', `{"model": "toy", "rows": [{"features": {"age": {"numberValue": "${MARK}"}}}]}`, 'request.invalid'],
  ['a number where a string belongs', '{"model": 471147114711}', 'request.invalid'],
  ['an array, not an object', `["${MARK}"]`, 'request.invalid'],
]

const envelope = (message: Uint8Array, flags = 0) => {
  const out = new Uint8Array(5 + message.length)
  out[0] = flags
  new DataView(out.buffer).setUint32(1, message.length)
  out.set(message, 5)
  return out
}

/** The trailer frame of a gRPC-Web response body, as headers. */
function grpcWebTrailer(body: Uint8Array): Headers {
  for (let at = 0; at + 5 <= body.length; ) {
    const length = new DataView(body.buffer, body.byteOffset + at + 1, 4).getUint32(0)
    if (body[at] === 0x80) {
      const text = Buffer.from(body.subarray(at + 5, at + 5 + length)).toString('latin1')
      return new Headers(
        text
          .split('\r\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()] as [string, string]),
      )
    }
    at += 5 + length
  }
  throw new Error('no trailer frame')
}

let nexora: Nexora
let audit: Awaited<ReturnType<typeof toyNexora>>['audit']
let listener: GrpcListener
let session: http2.ClientHttp2Session
let token: string

interface H2Answer {
  status: number
  headers: http2.IncomingHttpHeaders
  trailers: http2.IncomingHttpHeaders
  body: Buffer
}
function h2(path: string, headers: Record<string, string>, body: Uint8Array, on = session): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = on.request({ ':method': 'POST', ':path': path, authorization: `Bearer ${token}`, ...headers })
    const chunks: Buffer[] = []
    let head: http2.IncomingHttpHeaders = {}
    let trailers: http2.IncomingHttpHeaders = {}
    stream.on('response', (h) => {
      head = h
    })
    stream.on('trailers', (t) => {
      trailers = t
    })
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('error', reject)
    stream.on('end', () => {
      // The server may answer before it has read the whole body (a message over the limit): cancel what is left to send.
      // The server may answer before it has read the whole body (a message over the limit): cancel what is left to send.
      stream.close(http2.constants.NGHTTP2_CANCEL)
      resolve({ status: Number(head[':status']), headers: head, trailers, body: Buffer.concat(chunks) })
    })
    stream.end(body)
  })
}
/** A gRPC call's status: from the trailers, or from the headers of a trailers-only answer. */
const grpcStatus = (a: H2Answer) => ({ ...a.headers, ...a.trailers })
const fetchMount = (path: string, contentType: string, body: Uint8Array | string) =>
  nexora.fetch(
    new Request(`http://nexora.test${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
      body: body as BodyInit,
    }),
  )

/** What every refusal must be, whatever carried it: a coded INVALID_ARGUMENT that quotes nothing sent. */
function expectRefusal(
  where: string,
  status: { code: string | null; nexoraCode: string | null; requestId: string | null; message: string },
  expected: string,
  everything: string,
) {
  expect([status.code, status.nexoraCode], where).toEqual(['3', expected])
  expect(status.message, where).toMatch(new RegExp(`^${expected.replace('.', '\\.')} - `))
  expect(status.requestId, where).toMatch(UUID)
  expect(everything, where).not.toContain('secret')
  expect(everything, where).not.toContain('4711')
}

beforeAll(async () => {
  const key = await makeKey('ES384', 'malformed')
  ;({ nexora, audit } = await toyNexora(
    { bodyLimitBytes: BODY_LIMIT },
    [],
    [grpc(), jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })],
  ))
  token = await sign(key)
  listener = await listenGrpc(nexora, { port: 0, drainMs: 1_000 })
  session = http2.connect(listener.url)
  session.on('error', () => {})
})

afterAll(async () => {
  await new Promise<void>((resolve) => (session?.closed ? resolve() : session?.close(() => resolve())))
  await listener?.close()
})

describe.each(MALFORMED)('a PredictRequest with %s', (name, message, expected) => {
  it('Connect binary over the fetch mount: 400 invalid_argument, coded', async () => {
    const res = await fetchMount(PREDICT, 'application/proto', message)
    const text = await res.text()
    const body = JSON.parse(text) as { code: string; message: string }
    expect([res.status, body.code], name).toEqual([400, 'invalid_argument'])
    expectRefusal(
      `connect ${name}`,
      { code: '3', nexoraCode: res.headers.get('nexora-error-code'), requestId: res.headers.get('x-request-id'), message: body.message },
      expected,
      text + JSON.stringify([...res.headers]),
    )
  })

  it('gRPC-Web over the fetch mount: grpc-status 3 in the trailer frame, coded', async () => {
    const res = await fetchMount(PREDICT, 'application/grpc-web+proto', envelope(message))
    expect(res.status).toBe(200)
    const body = new Uint8Array(await res.arrayBuffer())
    const trailer = grpcWebTrailer(body)
    expectRefusal(
      `grpc-web ${name}`,
      {
        code: trailer.get('grpc-status'),
        nexoraCode: trailer.get('nexora-error-code'),
        requestId: trailer.get('x-request-id'),
        message: decodeURIComponent(trailer.get('grpc-message') ?? ''),
      },
      expected,
      Buffer.from(body).toString('latin1'),
    )
  })

  it('gRPC over the h2c listener: grpc-status 3 in the trailers, coded', async () => {
    const answer = await h2(PREDICT, { 'content-type': 'application/grpc', te: 'trailers' }, envelope(message))
    const status = grpcStatus(answer)
    expectRefusal(
      `grpc ${name}`,
      {
        code: String(status['grpc-status']),
        nexoraCode: String(status['nexora-error-code']),
        requestId: String(status['x-request-id']),
        message: decodeURIComponent(String(status['grpc-message'])),
      },
      expected,
      JSON.stringify(status) + answer.body.toString('latin1'),
    )
  })

  it('Connect binary over the h2c listener: 400, coded', async () => {
    const answer = await h2(PREDICT, { 'content-type': 'application/proto' }, message)
    const body = JSON.parse(answer.body.toString()) as { code: string; message: string }
    expect([answer.status, body.code]).toEqual([400, 'invalid_argument'])
    expectRefusal(
      `connect h2c ${name}`,
      { code: '3', nexoraCode: String(answer.headers['nexora-error-code']), requestId: String(answer.headers['x-request-id']), message: body.message },
      expected,
      JSON.stringify(answer.headers) + answer.body.toString(),
    )
  })
})

describe.each(MALFORMED_JSON)('Connect JSON with %s', (name, json, expected) => {
  it('over the fetch mount: 400, coded, quoting nothing sent', async () => {
    const res = await fetchMount(PREDICT, 'application/json', json)
    const text = await res.text()
    const body = JSON.parse(text) as { code: string; message: string }
    expect([res.status, body.code], name).toEqual([400, 'invalid_argument'])
    expectRefusal(
      `json ${name}`,
      { code: '3', nexoraCode: res.headers.get('nexora-error-code'), requestId: res.headers.get('x-request-id'), message: body.message },
      expected,
      text,
    )
  })

  it('over the h2c listener: 400, coded', async () => {
    const answer = await h2(PREDICT, { 'content-type': 'application/json' }, bytes(json))
    const body = JSON.parse(answer.body.toString()) as { code: string; message: string }
    expect([answer.status, body.code], name).toEqual([400, 'invalid_argument'])
    expectRefusal(
      `json h2c ${name}`,
      { code: '3', nexoraCode: String(answer.headers['nexora-error-code']), requestId: String(answer.headers['x-request-id']), message: body.message },
      expected,
      answer.body.toString(),
    )
  })
})

describe('gRPC framing and size on the h2c listener', () => {
  const call = async (body: Uint8Array, headers: Record<string, string> = {}, path = PREDICT) =>
    grpcStatus(await h2(path, { 'content-type': 'application/grpc', te: 'trailers', ...headers }, body))
  const codes = (s: http2.IncomingHttpHeaders) => [s['grpc-status'], s['nexora-error-code']]

  it('no message at all, or two for a unary method: INVALID_ARGUMENT request.invalid (not UNIMPLEMENTED)', async () => {
    expect(codes(await call(new Uint8Array(0)))).toEqual(['3', 'request.invalid'])
    const one = envelope(ld(1, bytes('toy')))
    expect(codes(await call(bytes(one, one)))).toEqual(['3', 'request.invalid'])
  })

  it('an envelope cut short: INVALID_ARGUMENT request.invalid', async () => {
    expect(codes(await call(envelope(bytes(marked)).subarray(0, 12)))).toEqual(['3', 'request.invalid'])
  })

  it('a malformed timeout header: INVALID_ARGUMENT request.invalid, the value not quoted', async () => {
    const status = await call(envelope(ld(1, bytes('toy'))), { 'grpc-timeout': 'secret4711' })
    expect(codes(status)).toEqual(['3', 'request.invalid'])
    expect(JSON.stringify(status)).not.toContain('secret')
    const connect = await h2(PREDICT, { 'content-type': 'application/json', 'connect-timeout-ms': 'secret4711' }, bytes('{"model":"toy"}'))
    expect([connect.status, connect.headers['nexora-error-code']]).toEqual([400, 'request.invalid'])
    expect(connect.body.toString()).not.toContain('secret')
  })

  it('a compressed flag without grpc-encoding, and gzip that does not inflate: INVALID_ARGUMENT request.invalid (not INTERNAL)', async () => {
    expect(codes(await call(envelope(bytes(marked), 1)))).toEqual(['3', 'request.invalid'])
    const gzip = gzipSync(Buffer.from(marked))
    expect(codes(await call(envelope(gzip.subarray(0, gzip.length - 6), 1), { 'grpc-encoding': 'gzip' }))).toEqual(['3', 'request.invalid'])
    expect(codes(await call(envelope(bytes(marked, 'not gzip at all'), 1), { 'grpc-encoding': 'gzip' }))).toEqual(['3', 'request.invalid'])
  })

  it('a message over the body limit: RESOURCE_EXHAUSTED request.too_large', async () => {
    // A session of its own: the server answers without reading the rest, which then holds the session open until it is destroyed.
    const own = http2.connect(listener.url)
    own.on('error', () => {})
    try {
      const status = grpcStatus(
        await h2(PREDICT, { 'content-type': 'application/grpc', te: 'trailers' }, envelope(bytes([0x0a, 0x80, 0x80, 0x04], new Uint8Array(BODY_LIMIT))), own),
      )
      expect(codes(status)).toEqual(['8', 'request.too_large'])
      expect(decodeURIComponent(String(status['grpc-message']))).toBe(`request.too_large - the request message exceeds ${BODY_LIMIT} bytes`)
      expect(String(status['x-request-id'])).toMatch(UUID)
    } finally {
      own.destroy()
    }
  })

  it('a ModelInferRequest with invalid UTF-8 in a tensor name: request.invalid_unicode', async () => {
    // ModelInferRequest.inputs (field 5) → InferInputTensor.name (field 1).
    expect(codes(await call(envelope(bytes(ld(1, bytes('toy')), ld(5, ld(1, bytes(LONE_SURROGATE))))), {}, INFER))).toEqual(['3', 'request.invalid_unicode'])
  })
})

describe('a real client', () => {
  it('grpc-js sending a lone surrogate gets INVALID_ARGUMENT request.invalid_unicode, with a request id', async () => {
    const client = grpcJsClients(listener.url)
    try {
      const result = await client.predict({ model: '\ud800', rows: [] }, { authorization: `Bearer ${token}` })
      expect([result.error?.code, result.error?.metadata['nexora-error-code']]).toEqual([3, 'request.invalid_unicode'])
      expect(String(result.error?.metadata['x-request-id'])).toMatch(UUID)
      // A well-formed call on the same channel still succeeds.
      const ok = await client.predict({ model: 'toy', rows: [{ features: { age: { number_value: 70 } } }] }, { authorization: `Bearer ${token}` })
      expect(ok.error).toBeUndefined()
      expect(ok.response!.predictions).toHaveLength(1)
    } finally {
      client.close()
    }
  })

  it.each([
    [
      'over the fetch mount',
      () =>
        createGrpcWebTransport({
          baseUrl: 'http://nexora.test',
          fetch: (async (input: RequestInfo | URL, init?: RequestInit) => nexora.fetch(new Request(input, init))) as typeof fetch,
        }),
    ],
    ['over the h2c listener', () => createNodeGrpcWebTransport({ baseUrl: listener.url, httpVersion: '2' })],
  ])('well-formed gRPC-Web calls %s pass through untouched: a success, and a coded Nexora error', async (_, transport) => {
    const client = createClient(PredictionService, transport())
    const headers = { authorization: `Bearer ${token}` }
    const res = await client.predict({ model: 'toy', rows: [{ features: { age: { kind: { case: 'numberValue', value: 70 } } } }] }, { headers })
    expect(res.predictions).toHaveLength(1)
    const missing = await client.predict({ model: 'nope', rows: [{ features: {} }] }, { headers }).then(
      () => undefined,
      (e: { code: number; metadata: Headers; rawMessage: string }) => e,
    )
    expect([missing?.code, missing?.metadata.get('nexora-error-code'), missing?.rawMessage]).toEqual([
      5,
      'model.not_found',
      'model.not_found - model "nope" is not registered',
    ])
  })

  it('leaves the audit chain whole', async () => {
    expect(audit.events.length).toBeGreaterThan(0)
    expect(await audit.verify()).toMatchObject({ ok: true })
  })
})
