/**
 * Node adapter: `@hono/node-server` in front of `nexora.fetch`, the libSQL file for storage,
 * the client address from the socket, local assets for /docs, a graceful shutdown, and with
 * `grpc` an h2c port serving gRPC, gRPC-Web and Connect (plugins/grpc/node.ts).
 */
import { createHash } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join, normalize } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { createLogger, createNexora, definePlugin, NexoraError, toProblem, type Nexora, type NexoraConfig, type ServerAdapterOptions } from '../core/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

export interface NodeServerOptions extends ServerAdapterOptions {
  /** Put Nexora inside a larger app: given Nexora, return the server's fetch handler. */
  handler?: (nexora: Nexora) => (request: Request) => Response | Promise<Response>
  /** Also serve gRPC, gRPC-Web and Connect on one h2c port (default 50051), with the app as fallback. See docs/grpc.md. */
  grpc?: { port?: number; host?: string }
}

export interface RunningNodeServer {
  nexora: Nexora
  server: ServerType
  url: string
  /** The h2c listener's `http://host:port`, when `grpc` was given. */
  grpcUrl?: string
  /** Stop accepting, let in-flight requests finish, flush the audit log and close the DB. */
  close(): Promise<void>
}

/** JSON lines on stderr at info level: access log and lifecycle, PHI-free by allowlist. */
const stderrLogger = definePlugin({ name: 'stderr-logger', provides: 'logger', priority: -1, setup: () => createLogger({ write: (line) => process.stderr.write(line + '\n'), level: (process.env.NEXORA_LOG_LEVEL as 'info' | undefined) ?? 'info' }) })

/** node:crypto's synchronous SHA-256: the same digest as WebCrypto without a thread-pool hop. */
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

const MIME: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.html': 'text/html; charset=utf-8' }

/** Serve `docs/<file>` from the swagger-ui-dist package, read once per file. */
function nodeAssets(): NexoraConfig['assets'] {
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Uint8Array>()
  return async (path) => {
    const file = normalize(path.replace(/^docs\//, ''))
    if (file.startsWith('..') || file.includes('/')) return undefined
    const bytes = cache.get(file) ?? await readFile(join(root, file)).catch(() => undefined)
    if (!bytes) return undefined
    cache.set(file, bytes)
    const type = MIME[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream'
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } })
  }
}

/**
 * @example
 * const { url, close } = await serveNode({ port: 8000 })
 */
export async function serveNode(options: NodeServerOptions = {}): Promise<RunningNodeServer> {
  // Loaded only when asked for: connect-node and the generated code stay out of a plain REST server.
  const grpcNode = options.grpc ? await import('../plugins/grpc/node.ts') : undefined
  const grpcDoor = grpcNode && !options.plugins?.some((p) => p.name === grpcNode.GRPC_PLUGIN) ? [grpcNode.grpc()] : []
  const nexora = await createNexora({
    plugins: [sqlStorage({ url: options.db, durability: options.durability, sha256 }), ...(options.models ?? [linearModel()]), stderrLogger, ...(options.plugins ?? []), ...grpcDoor],
    config: { getClientIp: (c) => getConnInfo(c).remote.address, assets: nodeAssets(), sha256, scheduleCommit: setImmediate, checkpointIntervalMs: 300_000, ...options.config },
  })
  await options.prepare?.(nexora)
  const handler = options.handler?.(nexora) ?? nexora.fetch
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: handler, port: options.port ?? 8000, hostname: options.host ?? '127.0.0.1' }, () => resolve(s))
  })
  // Node answers a malformed or oversized request head itself, with no body: give it a problem+json like every other 4xx.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
    const problem = toProblem(new NexoraError(error.code === 'HPE_HEADER_OVERFLOW' ? 'request.headers_too_large' : 'request.invalid'))
    const body = JSON.stringify(problem)
    socket.end(`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`)
  })
  const grpc = await grpcNode?.listenGrpc(nexora, { ...options.grpc, host: options.grpc?.host ?? options.host, fallback: handler, drainMs: options.drainMs })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  const close = () => closing ??= (async () => {
    await Promise.all([grpc?.close(), new Promise<void>((resolve) => {
      server.close(() => resolve())
      // Keep-alive sockets hold close() open: shut each one as soon as it is idle (a busy one
      // finishes its response first), and every one after the drain deadline.
      const sweep = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 25)
      const deadline = setTimeout(() => 'closeAllConnections' in server && server.closeAllConnections(), options.drainMs ?? 10_000)
      server.once('close', () => { clearInterval(sweep); clearTimeout(deadline) })
      if ('closeIdleConnections' in server) server.closeIdleConnections()
    })])
    await nexora.close()
  })()

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      nexora.ports.get('logger').info('server.stopping', { signal })
      // Never hang on the way out: past the drain deadline and a margin for the audit flush, exit anyway.
      setTimeout(() => { nexora.ports.get('logger').error('server.stop_timeout', { signal }); process.exit(1) }, (options.drainMs ?? 10_000) + 5_000).unref()
      close().then(() => process.exit(0), () => process.exit(1))
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  return { nexora, server, url: `http://${host}:${address.port}`, ...(grpc ? { grpcUrl: grpc.url } : {}), close }
}
