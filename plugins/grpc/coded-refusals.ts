import { ConnectError, Code, type ConnectRouter } from '@connectrpc/connect'
import {
  createAsyncIterable,
  encodeEnvelope,
  type UniversalHandler,
  type UniversalServerRequest,
  type UniversalServerResponse,
} from '@connectrpc/connect/protocol'
import { codeToHttpStatus, errorFromJsonBytes, errorToJsonBytes } from '@connectrpc/connect/protocol-connect'
import { findTrailerError, setTrailerStatus } from '@connectrpc/connect/protocol-grpc'
import { trailerFlag, trailerParse, trailerSerialize } from '@connectrpc/connect/protocol-grpc-web'
import { refusalOf } from './codec-refusals.ts'
import { transportKey } from './guard.ts'
import { toConnectError } from './status.ts'

/**
 * Why a wrapper around connect's handlers: its codecs decode the request message before any
 * interceptor or service runs, and connect-es 2.1 has no option to change the status they fail
 * with (the binary codec wraps every decode failure as INTERNAL, and protobuf-es's reader is fatal
 * on invalid UTF-8 with no per-call switch). So the refusal is restated after the fact, in each
 * protocol's own form, with connect's public helpers. Only an error Nexora did not raise is
 * looked at (plugins/grpc/codec-refusals.ts), and a successful response passes through as it is.
 */

/** Turn connect's own refusal into the coded one, or undefined to leave the response alone. */
type Restate = (error: ConnectError) => ConnectError | undefined

const STATUS_TRAILERS = ['grpc-status', 'grpc-message', 'grpc-status-details-bin']

/** gRPC (h2c): the status is in the trailers, already final when a refusal came before the service ran. */
function grpcRefusal(res: UniversalServerResponse & { trailer: Headers }, restate: Restate): UniversalServerResponse {
  const error = findTrailerError(res.trailer)
  const coded = error && restate(error)
  if (!coded) return res
  const trailer = new Headers(res.trailer)
  for (const name of STATUS_TRAILERS) trailer.delete(name)
  return { ...res, trailer: setTrailerStatus(trailer, coded) }
}

/** The async iterable that yields `first`, then the rest of `it` (whose throw and return the adapter may call). */
function replay(first: IteratorResult<Uint8Array>, it: AsyncIterator<Uint8Array>): AsyncIterable<Uint8Array> {
  let pending: IteratorResult<Uint8Array> | undefined = first
  const iterator: AsyncIterator<Uint8Array> = {
    next: () => {
      const result = pending
      pending = undefined
      return result ? Promise.resolve(result) : it.next()
    },
    throw: (e?: unknown) => it.throw?.(e) ?? Promise.reject(e),
    return: (value?: unknown) => it.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  }
  return { [Symbol.asyncIterator]: () => iterator }
}

/** gRPC-Web: a refusal made before the service ran is the body's first and only frame, the trailer frame. */
async function grpcWebRefusal(res: UniversalServerResponse & { body: AsyncIterable<Uint8Array> }, restate: Restate): Promise<UniversalServerResponse> {
  const it = res.body[Symbol.asyncIterator]()
  // Already in memory: connect's handler waits for the first frame before it answers.
  const first = await it.next()
  const frame = first.done ? undefined : first.value
  // One chunk is one envelope (connect joins each before it yields); a compressed trailer frame is left alone.
  if (!frame || frame[0] !== trailerFlag || frame.length < 5 || new DataView(frame.buffer, frame.byteOffset + 1, 4).getUint32(0) !== frame.length - 5) {
    return { ...res, body: replay(first, it) }
  }
  const trailer = trailerParse(frame.subarray(5))
  const error = findTrailerError(trailer)
  const coded = error && restate(error)
  if (!coded) return { ...res, body: replay(first, it) }
  await it.return?.()
  for (const name of STATUS_TRAILERS) trailer.delete(name)
  return { ...res, body: createAsyncIterable([encodeEnvelope(trailerFlag, trailerSerialize(setTrailerStatus(trailer, coded)))]) }
}

/** Connect unary: an error is a JSON body with an HTTP status, small and already in memory. */
async function connectRefusal(res: UniversalServerResponse & { body: AsyncIterable<Uint8Array> }, restate: Restate): Promise<UniversalServerResponse> {
  const chunks: Uint8Array[] = []
  for await (const chunk of res.body) chunks.push(chunk)
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0)
  const unchanged = { ...res, body: createAsyncIterable([bytes]) }
  let error: ConnectError
  try {
    error = errorFromJsonBytes(bytes, res.header, new ConnectError('not an error body', Code.Unknown))
  } catch {
    return unchanged
  }
  const coded = restate(error)
  if (!coded) return unchanged
  const body = errorToJsonBytes(coded, {})
  const header = new Headers(res.header)
  coded.metadata.forEach((value, name) => header.set(name, value))
  header.set('content-length', String(body.byteLength))
  return { ...res, status: codeToHttpStatus(coded.code), header, body: createAsyncIterable([body]) }
}

const isBytes = (body: UniversalServerResponse['body']): body is AsyncIterable<Uint8Array> => body !== undefined && Symbol.asyncIterator in body

/**
 * One method's handler, answering connect's own refusals (a message that does not decode,
 * broken framing, a message over the limit) as the coded NexoraError they stand for: INVALID_ARGUMENT
 * (HTTP 400) with `nexora-error-code`, `x-request-id` and a message that quotes none of the
 * caller's bytes, in whichever protocol the call came.
 */
export function codedRefusals(handler: UniversalHandler): UniversalHandler {
  const input = handler.method.input.typeName
  async function handle(req: UniversalServerRequest): Promise<UniversalServerResponse> {
    const res = await handler(req)
    let requestId: string | undefined
    const restate: Restate = (error) => {
      const refusal = refusalOf(error, input)
      if (!refusal) return undefined
      const coded = toConnectError(refusal)
      requestId = req.contextValues?.get(transportKey).requestId ?? crypto.randomUUID()
      coded.metadata.set('x-request-id', requestId)
      return coded
    }
    const type = res.header?.get('content-type') ?? ''
    let answer = res
    if (res.trailer) answer = grpcRefusal({ ...res, trailer: res.trailer }, restate)
    else if (type.startsWith('application/grpc-web') && isBytes(res.body)) answer = await grpcWebRefusal({ ...res, body: res.body }, restate)
    else if (res.status !== 200 && type === 'application/json' && !res.header?.has('content-encoding') && isBytes(res.body))
      answer = await connectRefusal({ ...res, body: res.body }, restate)
    if (requestId === undefined) return answer
    // Every answer of the RPC doors names its request id, as plugins/grpc/rpc.ts does for the service's own.
    const header = new Headers(answer.header)
    header.set('x-request-id', requestId)
    return { ...answer, header }
  }
  const { protocolNames, service, method, requestPath, allowedMethods, supportedContentType } = handler
  return Object.assign(handle, { protocolNames, service, method, requestPath, allowedMethods, supportedContentType })
}

/**
 * Routes whose handlers answer connect's refusals with coded errors (codedRefusals). A
 * ConnectRouter's output is its `handlers` list, which every server (connect-node, the fetch
 * mount, createRouterTransport, the other Connect adapters) reads once `routes` has run: the
 * handlers these routes add are replaced there by their wrapped selves.
 * @example
 * connectNodeAdapter({ routes: withCodedRefusals((router) => router.service(PredictionService, impl)) })
 */
export function withCodedRefusals(routes: (router: ConnectRouter) => void): (router: ConnectRouter) => void {
  return (router) => {
    const from = router.handlers.length
    routes(router)
    for (let i = from; i < router.handlers.length; i++) router.handlers[i] = codedRefusals(router.handlers[i]!)
  }
}
