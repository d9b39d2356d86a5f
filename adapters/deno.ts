/**
 * Deno adapter: `Deno.serve` in front of `nexora.fetch`, configuration from `Deno.env`, bearer-JWT
 * authentication (the configured key set, or dev mode's local key as with `nexora serve`), the
 * libSQL file for storage (its native addon loads under `--allow-ffi`), the client address from
 * `info.remoteAddr`, a synchronous SHA-256, local assets for /docs, and a graceful shutdown on
 * SIGTERM/SIGINT.
 */
import { createHash } from 'node:crypto'
import { createLogger, createNexora, definePlugin, type Nexora, type NexoraConfig, type ServerAdapterOptions } from '../core/index.ts'
import { serverAuthFromEnv } from '../plugins/auth-jwt/server-auth.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

/** What `Deno.serve` hands the handler next to the request. */
export interface DenoServeInfo { remoteAddr: { hostname: string; port: number } }
type DenoHandler = (request: Request, info: DenoServeInfo) => Response | Promise<Response>
interface DenoHttpServer { addr: { hostname: string; port: number }; shutdown(): Promise<void> }
// The slice of Deno's API used here, declared locally so the package typechecks under Node's types.
declare const Deno: {
  env: { get(name: string): string | undefined }
  serve(options: { port: number; hostname: string; onListen?: () => void }, handler: DenoHandler): DenoHttpServer
  readFile(path: string): Promise<Uint8Array>
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void
  exit(code: number): never
}

export interface DenoServerOptions extends ServerAdapterOptions {
  /** Put Nexora inside a larger app: pass `info` on as `env` so the client address still resolves. */
  handler?: (nexora: Nexora) => DenoHandler
}

export interface RunningDenoServer {
  nexora: Nexora
  server: DenoHttpServer
  url: string
  /** Stop accepting, let in-flight requests finish, flush the audit log and close the DB. */
  close(): Promise<void>
}

const env = (name: string) => Deno.env.get(name)
/** Deno's built-in node:crypto hash: synchronous, about 10× cheaper per audit event than crypto.subtle here. */
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

const MIME: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.html': 'text/html; charset=utf-8' }

/** Serve `docs/<file>` from the swagger-ui-dist package, read once per file. */
function denoAssets(): NexoraConfig['assets'] {
  const root = new URL('.', import.meta.resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Uint8Array>()
  return async (path) => {
    const file = path.replace(/^docs\//, '')
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) return undefined
    const bytes = cache.get(file) ?? await Deno.readFile(new URL(file, root).pathname).catch(() => undefined)
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
export async function serveDeno(options: DenoServerOptions = {}): Promise<RunningDenoServer> {
  // Tokens are always verified: the environment's key set, or in dev mode a local dev key as with
  // `nexora serve`; production without a key set refuses to start. An authenticator plugin passed in wins.
  const auth = options.plugins?.some((p) => p.provides === 'authenticator') ? undefined : await serverAuthFromEnv(env)
  const logger = definePlugin({ name: 'stderr-logger', provides: 'logger', priority: -1, setup: () => createLogger({ write: (line) => console.error(line), level: (env('NEXORA_LOG_LEVEL') as 'info' | undefined) ?? 'info' }) })
  const nexora = await createNexora({
    plugins: [sqlStorage({ url: options.db ?? env('NEXORA_DB'), durability: options.durability, sha256 }), ...(options.models ?? [linearModel()]), logger, ...(auth ? [auth.plugin] : []), ...(options.plugins ?? [])],
    config: {
      getClientIp: (c) => (c.env as DenoServeInfo | undefined)?.remoteAddr?.hostname,
      // setImmediate skips the 1 ms timer clamp before each audit group commit, as on Node.
      assets: denoAssets(), sha256, scheduleCommit: setImmediate, checkpointIntervalMs: 300_000, ...options.config,
    },
  })
  await options.prepare?.(nexora)
  if (auth) console.error(auth.banner)
  const handler: DenoHandler = options.handler?.(nexora) ?? ((request, info) => nexora.fetch(request, info))
  // Deno.serve binds synchronously; the empty onListen keeps Deno's own "Listening on" line off stdout.
  const server = Deno.serve({ port: options.port ?? Number(env('PORT') ?? 8000), hostname: options.host ?? env('HOST') ?? '127.0.0.1', onListen: () => {} }, handler)
  const host = server.addr.hostname.includes(':') ? `[${server.addr.hostname}]` : server.addr.hostname
  const drainMs = options.drainMs ?? 10_000
  let closing: Promise<void> | undefined
  const close = () => closing ??= (async () => {
    // shutdown() refuses new connections, closes idle keep-alive ones and resolves once in-flight
    // responses are sent; past the deadline storage closes anyway and the process exit ends the rest.
    let deadline: ReturnType<typeof setTimeout> | undefined
    await Promise.race([server.shutdown(), new Promise((resolve) => { deadline = setTimeout(resolve, drainMs) })])
    clearTimeout(deadline)
    await nexora.close()
  })()

  if (options.handleSignals !== false) {
    const onSignal = (signal: 'SIGTERM' | 'SIGINT') => () => {
      nexora.ports.get('logger').info('server.stopping', { signal })
      // Never hang on the way out: past the drain deadline and a margin for the audit flush, exit anyway.
      setTimeout(() => { nexora.ports.get('logger').error('server.stop_timeout', { signal }); Deno.exit(1) }, drainMs + 5_000)
      close().then(() => Deno.exit(0), () => Deno.exit(1))
    }
    Deno.addSignalListener('SIGTERM', onSignal('SIGTERM'))
    Deno.addSignalListener('SIGINT', onSignal('SIGINT'))
  }
  return { nexora, server, url: `http://${host}:${server.addr.port}`, close }
}
