/**
 * Deno adapter: `Deno.serve` in front of `nexora.fetch`, the client address from `info.remoteAddr`,
 * a synchronous SHA-256, local assets for /docs, and signals through `Deno.addSignalListener`. The
 * rest (configuration from `Deno.env`, logging, start-up, drain) is core's serve kit; bearer-JWT
 * authentication is the configured key set, or dev mode's local key as with `nexora serve`; the
 * libSQL file's native addon loads under `--allow-ffi`.
 */
import { createHash } from 'node:crypto'
import { startServer, type KitOptions, type NexoraConfig, type RunningServer } from '../core/index.ts'
import { serverAuth } from '../plugins/auth-jwt/node.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

/** What `Deno.serve` hands the handler next to the request. */
export interface DenoServeInfo {
  remoteAddr: { hostname: string; port: number }
}
type DenoHandler = (request: Request, info: DenoServeInfo) => Response | Promise<Response>
interface DenoHttpServer {
  addr: { hostname: string; port: number }
  shutdown(): Promise<void>
}
// The slice of Deno's API used here, declared locally so the package typechecks under Node's types.
declare const Deno: {
  env: { get(name: string): string | undefined }
  serve(options: { port: number; hostname: string; onListen?: () => void }, handler: DenoHandler): DenoHttpServer
  readFile(path: string): Promise<Uint8Array>
  readTextFile(path: string): Promise<string>
  cwd(): string
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void
  exit(code: number): never
}

/** Put Nexora inside a larger app with `handler`: pass `info` on as `env` so the client address still resolves. */
export type DenoServerOptions = KitOptions<DenoHandler>
export type RunningDenoServer = RunningServer<DenoHttpServer>

/** Deno's built-in node:crypto hash: synchronous, about 10× cheaper per audit event than crypto.subtle here. */
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
}

/** Serve `docs/<file>` from the swagger-ui-dist package (optional), read once per file. */
function denoAssets(): NexoraConfig['assets'] {
  let root: URL
  try {
    root = new URL('.', import.meta.resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined // an optional peer: /docs says to install it
  }
  const cache = new Map<string, Uint8Array>()
  return async (path) => {
    const file = path.replace(/^docs\//, '')
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) return undefined
    const bytes = cache.get(file) ?? (await Deno.readFile(new URL(file, root).pathname).catch(() => undefined))
    if (!bytes) return undefined
    cache.set(file, bytes)
    const type = MIME[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream'
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } })
  }
}

/**
 * @example
 * // deno run --allow-net --allow-env --allow-read --allow-write --allow-ffi --allow-sys main.ts
 * const { url } = await serveDeno({ prepare: (nexora) => importModels(nexora).then(() => {}) })
 */
export function serveDeno(options: DenoServerOptions = {}): Promise<RunningDenoServer> {
  return startServer<DenoHttpServer, DenoHandler>(
    {
      env: (name) => Deno.env.get(name),
      writeErr: (line) => console.error(line),
      readText: (path) => Deno.readTextFile(path),
      importModule: (spec) => import(/^\.{1,2}\//.test(spec) ? new URL(spec, `file://${Deno.cwd()}/`).href : spec),
      handler: (nexora) => (request, info) => nexora.fetch(request, info),
      // setImmediate skips the 1 ms timer clamp before each audit group commit, as on Node.
      nexoraConfig: {
        getClientIp: (c) => (c.env as DenoServeInfo | undefined)?.remoteAddr?.hostname,
        assets: denoAssets(),
        sha256,
        scheduleCommit: setImmediate,
      },
      async plugins(config) {
        // Tokens are always verified: the configured key set, or in dev mode a local dev key; production
        // without a key set refuses to start. An authenticator plugin passed in wins.
        const auth = options.plugins?.some((p) => p.provides === 'authenticator') ? undefined : await serverAuth(config)
        if (auth) console.error(auth.banner)
        const storage = sqlStorage({ url: config.storage.url, durability: config.storage.durability, sha256, sharedRateLimits: config.sharedRateLimits })
        return [storage, ...(options.models ?? [linearModel()]), ...(auth ? [auth.plugin] : [])]
      },
      async listen(handler, { port, host, drainMs }) {
        // Deno.serve binds synchronously; the empty onListen keeps Deno's own "Listening on" line off stdout.
        const server = Deno.serve({ port, hostname: host, onListen: () => {} }, handler)
        return {
          server,
          hostname: server.addr.hostname,
          port: server.addr.port,
          // shutdown() refuses new connections, closes idle keep-alive ones and resolves once in-flight
          // responses are sent; past the deadline storage closes anyway and the process exit ends the rest.
          async stop() {
            let deadline: ReturnType<typeof setTimeout> | undefined
            await Promise.race([
              server.shutdown(),
              new Promise((resolve) => {
                deadline = setTimeout(resolve, drainMs)
              }),
            ])
            clearTimeout(deadline)
          },
        }
      },
      onSignal: (signal, run) => Deno.addSignalListener(signal, run),
      exit: (code) => Deno.exit(code),
    },
    options,
  )
}
