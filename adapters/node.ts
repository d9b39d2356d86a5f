/**
 * Node adapter: `@hono/node-server` in front of `nexora.fetch`, the libSQL file (or PostgreSQL) for
 * storage, the client address from the socket, local assets for /docs, and with `grpc` an h2c port
 * serving gRPC, gRPC-Web and Connect (plugins/grpc/node.ts). The rest (configuration, logging,
 * start-up, drain, signals) is core's serve kit.
 */
import { createHash } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join, normalize, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { importOptional, NexoraError, startServer, toProblem, type KitOptions, type NexoraConfig, type RunningServer } from '../core/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { type SqlWriter, sqlStorage } from '../plugins/storage-sql/index.ts'

type NodeHandler = (request: Request) => Response | Promise<Response>

export interface NodeServerOptions extends KitOptions<NodeHandler> {
  /** Also serve gRPC, gRPC-Web and Connect on one h2c port (default 50051; `NEXORA_GRPC_PORT`), with the app as fallback. See docs/grpc.md. */
  grpc?: { port?: number; host?: string }
  /** Another process commits the libSQL writes (`nexora serve --workers`: the primary; bin/cluster-writes.ts). */
  writer?: SqlWriter
}

/** `grpcUrl`: the h2c listener's `http://host:port`, when gRPC is served. */
export type RunningNodeServer = RunningServer<ServerType>

/** node:crypto's synchronous SHA-256: the same digest as WebCrypto without a thread-pool hop. */
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
}

/** Serve `docs/<file>` from the swagger-ui-dist package (an optional peer: without it /docs has no assets), read once per file. */
function nodeAssets(): NexoraConfig['assets'] {
  let root: string
  try {
    root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined
  }
  const cache = new Map<string, Uint8Array>()
  return async (path) => {
    const file = normalize(path.replace(/^docs\//, ''))
    if (file.startsWith('..') || file.includes('/')) return undefined
    const bytes = cache.get(file) ?? (await readFile(join(root, file)).catch(() => undefined))
    if (!bytes) return undefined
    cache.set(file, bytes)
    const type = MIME[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream'
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } })
  }
}

/** Node answers a malformed or oversized request head itself, with no body: give it a problem+json like every other 4xx. */
function answerClientErrors(server: ServerType) {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy()
    const problem = toProblem(new NexoraError(error.code === 'HPE_HEADER_OVERFLOW' ? 'request.headers_too_large' : 'request.invalid'))
    const body = JSON.stringify(problem)
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: application/problem+json\r\ncontent-length: ` +
        `${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
  })
}

/** Close the listener: each keep-alive socket as soon as it is idle (a busy one finishes its response first), every one after the deadline. */
const stopHttp = (server: ServerType, drainMs: number) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve())
    const sweep = setInterval(() => 'closeIdleConnections' in server && server.closeIdleConnections(), 25)
    const deadline = setTimeout(() => 'closeAllConnections' in server && server.closeAllConnections(), drainMs)
    server.once('close', () => {
      clearInterval(sweep)
      clearTimeout(deadline)
    })
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  })

/**
 * @example
 * const { url, close } = await serveNode({ port: 8000 })
 */
export async function serveNode(options: NodeServerOptions = {}): Promise<RunningNodeServer> {
  let grpcNode: typeof import('../plugins/grpc/node.ts') | undefined
  let grpc: NodeServerOptions['grpc']
  return startServer<ServerType, NodeHandler>(
    {
      env: (name) => process.env[name],
      writeErr: (line) => process.stderr.write(`${line}\n`),
      readText: (path) => readFile(path, 'utf8'),
      importModule: (spec) => import(/^\.{0,2}\//.test(spec) ? pathToFileURL(resolve(spec)).href : spec),
      handler: (nexora) => nexora.fetch,
      nexoraConfig: { getClientIp: (c) => getConnInfo(c).remote.address, assets: nodeAssets(), sha256, scheduleCommit: setImmediate },
      async plugins(config) {
        grpc = options.grpc ?? (config.grpcPort === undefined ? undefined : { port: config.grpcPort })
        // Loaded only when asked for: connect-node and the generated code stay out of a plain REST server.
        grpcNode = grpc ? await importOptional('@connectrpc/connect-node', () => import('../plugins/grpc/node.ts'), 'the gRPC port') : undefined
        const grpcDoor = grpcNode && !options.plugins?.some((p) => p.name === grpcNode!.GRPC_PLUGIN) ? [grpcNode.grpc()] : []
        const { url, durability, auditThread } = config.storage
        const storage = sqlStorage({ url, durability, auditThread, writer: options.writer, sha256, sharedRateLimits: config.sharedRateLimits })
        return [storage, ...(options.models ?? [linearModel()]), ...grpcDoor]
      },
      async listen(fetch, { port, host, nexora, drainMs }) {
        const server = await new Promise<ServerType>((resolve) => {
          const s = serve({ fetch, port, hostname: host }, () => resolve(s))
        })
        answerClientErrors(server)
        const h2c = await grpcNode?.listenGrpc(nexora, { ...grpc, host: grpc?.host ?? host, fallback: fetch, drainMs })
        const address = server.address() as AddressInfo
        return {
          server,
          hostname: address.address,
          port: address.port,
          ...(h2c ? { grpcUrl: h2c.url } : {}),
          stop: async (ms) => {
            await Promise.all([h2c?.close(), stopHttp(server, ms)])
          },
        }
      },
      onSignal: (signal, run) => process.once(signal, run),
      exit: (code) => process.exit(code),
    },
    options,
  )
}
