/**
 * model-remote on Node: gRPC over HTTP/2 (connect-node, one session per endpoint, reused) and
 * mutual TLS for both protocols. Only Node imports this file: it needs node:https and node:http2.
 */
import https from 'node:https'
import { Readable } from 'node:stream'
import { importOptional } from '../../core/index.ts'
import type { RemoteEndpoint } from './allowlist.ts'
import { createRemoteModelPlugin, remoteModel, type GrpcChannel, type RemoteModelOptions, type RemoteModelPlugin } from './index.ts'
import type { FetchLike } from './rest.ts'

type Pem = string | Buffer

/** An allowed model server, with the TLS material Node can present to it. */
export interface NodeRemoteEndpoint extends RemoteEndpoint {
  /** mTLS: the client certificate and key for this origin, and the CA its server certificate must chain to (PEM). */
  tls?: { cert?: Pem; key?: Pem; ca?: Pem | Pem[] }
}

export type NodeRemoteModelOptions = Omit<RemoteModelOptions<NodeRemoteEndpoint>, 'grpcChannel' | 'fetchFor'>

// One keep-alive agent per configured endpoint, whatever the number of models on it.
const agents = new WeakMap<NodeRemoteEndpoint, https.Agent>()
const tlsOptions = (e: NodeRemoteEndpoint) => (e.tls ? { cert: e.tls.cert, key: e.tls.key, ca: e.tls.ca } : {})

/**
 * A fetch over node:https with the endpoint's certificate and a keep-alive agent: global fetch on
 * Node cannot present a client certificate without undici's Agent, which is not a dependency.
 * It never follows a redirect; the REST client refuses one.
 */
function mtlsFetch(endpoint: NodeRemoteEndpoint): FetchLike {
  const agent = agents.get(endpoint) ?? agents.set(endpoint, new https.Agent({ keepAlive: true, ...tlsOptions(endpoint) })).get(endpoint)!
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const request = https.request(
        url,
        { method: init.method, headers: init.headers as Record<string, string>, agent, signal: init.signal ?? undefined },
        (res) => {
          const headers = new Headers()
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
          const status = res.statusCode ?? 502
          const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>)
          resolve(new Response(body, { status, headers }))
        },
      )
      // An abort surfaces as AbortError; the signal's reason says it was the time limit.
      request.once('error', (error) => reject(init.signal?.aborted ? init.signal.reason : error))
      request.end(typeof init.body === 'string' ? init.body : undefined)
    })
}

/** One HTTP/2 session per gRPC endpoint (h2c for http:, TLS with the endpoint's certificate for https:), shared by its models. */
async function http2Channel(endpoint: NodeRemoteEndpoint, baseUrl: string): Promise<GrpcChannel> {
  const { createGrpcTransport, Http2SessionManager } = await importOptional(
    '@connectrpc/connect-node',
    () => import('@connectrpc/connect-node'),
    'gRPC remote models',
  )
  const sessions = new Http2SessionManager(baseUrl, { idleConnectionTimeoutMs: 60_000 }, baseUrl.startsWith('https:') ? tlsOptions(endpoint) : undefined)
  return { transport: createGrpcTransport({ baseUrl, sessionManager: sessions }), close: () => sessions.abort() }
}

const nodeParts = (options: NodeRemoteModelOptions): RemoteModelOptions<NodeRemoteEndpoint> => ({
  ...options,
  fetchFor: (endpoint) => (endpoint.tls ? mtlsFetch(endpoint) : (url, init) => fetch(url, init)),
  grpcChannel: http2Channel,
})

/**
 * @example
 * createNodeRemoteModelPlugin({ endpoints: [{ origin: 'https://triton.internal:8001', tls: { cert, key, ca } }] })
 */
export function createNodeRemoteModelPlugin(options: NodeRemoteModelOptions): RemoteModelPlugin {
  return createRemoteModelPlugin(nodeParts(options))
}

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), nodeRemoteModel({ endpoints: [{ origin: 'http://127.0.0.1:8001', token }] })] })
 */
export function nodeRemoteModel(options: NodeRemoteModelOptions) {
  return remoteModel(nodeParts(options))
}

export * from './index.ts'
