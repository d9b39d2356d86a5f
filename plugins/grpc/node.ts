/**
 * Real gRPC on Node: one h2c (HTTP/2 without TLS) listener where connect-node serves gRPC,
 * gRPC-Web and Connect for both services and hands every other path to the Hono app. Only the
 * Node adapter imports this file: it needs node:http2, which the other runtimes lack.
 */
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { createContextValues } from '@connectrpc/connect'
import { connectNodeAdapter, type ConnectNodeAdapterOptions } from '@connectrpc/connect-node'
import { getRequestListener } from '@hono/node-server'
import { NexoraError, type Nexora } from '../../core/index.ts'
import { transportKey } from './guard.ts'
import { GRPC_PLUGIN, type GrpcFrontDoor } from './index.ts'

export interface GrpcListenOptions {
  /** Default 50051; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Everything that is not an RPC. Default `nexora.fetch`. */
  fallback?: (request: Request) => Response | Promise<Response>
  /** How long close() lets in-flight calls finish before cutting their sessions. Default 10 s. */
  drainMs?: number
}

export interface GrpcListener {
  server: http2.Http2Server
  /** `http://host:port`: grpc-js takes `host:port`, connect-node's transports this URL. */
  url: string
  /** Stop accepting sessions, let in-flight calls finish (until drainMs), then resolve. */
  close(): Promise<void>
}

function grpcDoor(nexora: Nexora): GrpcFrontDoor & { routes: NonNullable<GrpcFrontDoor['routes']> } {
  const door = nexora.ports.getAll('frontDoor').find((d) => d.name === GRPC_PLUGIN) as GrpcFrontDoor | undefined
  if (!door?.routes) throw new NexoraError('plugin.missing_requirement', { detail: 'serving gRPC needs the grpc() front door plugin in createNexora' })
  return door as GrpcFrontDoor & { routes: NonNullable<GrpcFrontDoor['routes']> }
}

/**
 * The request listener: RPCs to connect-node (the socket's address goes to the audit trail),
 * the rest to Hono. Usable with `http2.createServer` or `createSecureServer` (TLS).
 * @example
 * http2.createSecureServer({ key, cert, allowHTTP1: true }, grpcNodeHandler(nexora)).listen(443)
 */
export function grpcNodeHandler(nexora: Nexora, fallback: GrpcListenOptions['fallback'] = nexora.fetch): ReturnType<typeof connectNodeAdapter> {
  const door = grpcDoor(nexora)
  return connectNodeAdapter({
    routes: door.routes,
    readMaxBytes: door.readMaxBytes,
    contextValues: (req) => createContextValues().set(transportKey, { ip: req.socket?.remoteAddress }),
    // connect-node types the response more loosely than @hono/node-server; both are the same Node objects.
    fallback: getRequestListener(fallback) as unknown as ConnectNodeAdapterOptions['fallback'],
  })
}

/**
 * @example
 * const grpc = await listenGrpc(nexora, { port: 50051 })
 * // grpcurl -plaintext -import-path proto -proto inference/grpc_predict_v2.proto 127.0.0.1:50051 inference.GRPCInferenceService/ServerLive
 */
export async function listenGrpc(nexora: Nexora, options: GrpcListenOptions = {}): Promise<GrpcListener> {
  const server = http2.createServer(grpcNodeHandler(nexora, options.fallback))
  const sessions = new Set<http2.ServerHttp2Session>()
  server.on('session', (session) => {
    sessions.add(session)
    session.once('close', () => sessions.delete(session))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 50051, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      // GOAWAY to every client: running calls finish, new ones go elsewhere; past the deadline, cut.
      for (const session of sessions) session.close()
      const deadline = setTimeout(() => {
        for (const session of sessions) session.destroy()
      }, options.drainMs ?? 10_000)
      server.once('close', () => clearTimeout(deadline))
    }))
  return { server, url: `http://${host}:${address.port}`, close }
}

export { grpc, GRPC_PLUGIN } from './index.ts'
