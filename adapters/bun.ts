/**
 * Bun adapter: `Bun.serve` in front of `nexora.fetch`, configuration from `Bun.env`, bearer-JWT
 * authentication (the configured key set, or dev mode's local key as with `nexora serve`), the
 * libSQL file for storage, the client address from `server.requestIP`, Bun's synchronous SHA-256,
 * local assets for /docs, and a graceful shutdown on SIGTERM/SIGINT.
 */
import { createLogger, createNexora, definePlugin, type Nexora, type NexoraConfig, type ServerAdapterOptions } from '../core/index.ts'
import { serverAuthFromEnv } from '../plugins/auth-jwt/server-auth.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

/** The server `Bun.serve` returns, and hands the handler next to the request. */
export interface BunServer {
  hostname: string
  port: number
  requestIP(request: Request): { address: string; port: number } | null
  /** Resolves once every connection has closed; `true` closes active ones at once. */
  stop(closeActiveConnections?: boolean): Promise<void>
}
type BunHandler = (request: Request, server: BunServer) => Response | Promise<Response>
// The slice of Bun's API used here, declared locally so the package typechecks under Node's types.
declare const Bun: {
  env: Record<string, string | undefined>
  serve(options: { port: number; hostname: string; development: boolean; fetch: BunHandler }): BunServer
  file(path: string): Blob & { exists(): Promise<boolean> }
  SHA256: { hash(data: Uint8Array): Uint8Array }
}

export interface BunServerOptions extends ServerAdapterOptions {
  /** Put Nexora inside a larger app: pass `server` on as `env` so the client address still resolves. */
  handler?: (nexora: Nexora) => BunHandler
}

export interface RunningBunServer {
  nexora: Nexora
  server: BunServer
  url: string
  /** Stop accepting, let in-flight requests finish, flush the audit log and close the DB. */
  close(): Promise<void>
}

const env = (name: string) => Bun.env[name]

/** Bun's native hash: synchronous, so an audit event's hash costs no thread-pool round trip. */
const sha256 = (data: Uint8Array) => Bun.SHA256.hash(data)

/** Serve `docs/<file>` from the swagger-ui-dist package; Bun.file sets the content type. */
function bunAssets(): NexoraConfig['assets'] {
  const root = new URL('.', import.meta.resolve('swagger-ui-dist/package.json'))
  return async (path) => {
    const file = path.replace(/^docs\//, '')
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) return undefined
    const blob = Bun.file(new URL(file, root).pathname)
    return await blob.exists() ? new Response(blob, { headers: { 'cache-control': 'public, max-age=86400' } }) : undefined
  }
}

/**
 * @example
 * // bun run main.ts
 * const { url } = await serveBun({ prepare: (nexora) => importModels(nexora).then(() => {}) })
 */
export async function serveBun(options: BunServerOptions = {}): Promise<RunningBunServer> {
  // Tokens are always verified: the environment's key set, or in dev mode a local dev key as with
  // `nexora serve`; production without a key set refuses to start. An authenticator plugin passed in wins.
  const auth = options.plugins?.some((p) => p.provides === 'authenticator') ? undefined : await serverAuthFromEnv(env)
  const logger = definePlugin({ name: 'stderr-logger', provides: 'logger', priority: -1, setup: () => createLogger({ write: (line) => process.stderr.write(line + '\n'), level: (env('NEXORA_LOG_LEVEL') as 'info' | undefined) ?? 'info' }) })
  const nexora = await createNexora({
    plugins: [sqlStorage({ url: options.db ?? env('NEXORA_DB'), durability: options.durability, sha256 }), ...(options.models ?? [linearModel()]), logger, ...(auth ? [auth.plugin] : []), ...(options.plugins ?? [])],
    config: {
      getClientIp: (c) => (c.env as BunServer | undefined)?.requestIP?.(c.req.raw)?.address,
      // setImmediate skips the 1 ms timer clamp before each audit group commit, as on Node.
      assets: bunAssets(), sha256, scheduleCommit: setImmediate, checkpointIntervalMs: 300_000, ...options.config,
    },
  })
  await options.prepare?.(nexora)
  if (auth) process.stderr.write(auth.banner + '\n')
  const fetch: BunHandler = options.handler?.(nexora) ?? ((request, server) => nexora.fetch(request, server))
  // development: false, or an unexpected throw would answer with Bun's error page and its stack trace.
  const server = Bun.serve({ port: options.port ?? Number(env('PORT') ?? 8000), hostname: options.host ?? env('HOST') ?? '127.0.0.1', development: false, fetch })
  const host = server.hostname.includes(':') ? `[${server.hostname}]` : server.hostname
  const drainMs = options.drainMs ?? 10_000
  let closing: Promise<void> | undefined
  const close = () => closing ??= (async () => {
    // stop() refuses new connections and resolves when the open ones have finished; past the
    // deadline, stop(true) closes whatever is still open.
    let deadline: ReturnType<typeof setTimeout> | undefined
    await Promise.race([server.stop(), new Promise<void>((resolve) => { deadline = setTimeout(() => resolve(server.stop(true)), drainMs) })])
    clearTimeout(deadline)
    await nexora.close()
  })()

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      nexora.ports.get('logger').info('server.stopping', { signal })
      // Never hang on the way out: past the drain deadline and a margin for the audit flush, exit anyway.
      setTimeout(() => { nexora.ports.get('logger').error('server.stop_timeout', { signal }); process.exit(1) }, drainMs + 5_000).unref()
      close().then(() => process.exit(0), () => process.exit(1))
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  return { nexora, server, url: `http://${host}:${server.port}`, close }
}
