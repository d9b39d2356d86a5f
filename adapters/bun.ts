/**
 * Bun adapter: `Bun.serve` in front of `nexora.fetch`, the client address from `server.requestIP`,
 * Bun's synchronous SHA-256, local assets for /docs, and process signals. The rest (configuration
 * from `Bun.env`, logging, start-up, drain) is core's serve kit; bearer-JWT authentication is the
 * configured key set, or dev mode's local key as with `nexora serve`; storage is the libSQL file.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startServer, type KitOptions, type NexoraConfig, type RunningServer } from '../core/index.ts'
import { serverAuth } from '../plugins/auth-jwt/node.ts'
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

/** Put Nexora inside a larger app with `handler`: pass `server` on as `env` so the client address still resolves. */
export type BunServerOptions = KitOptions<BunHandler>
export type RunningBunServer = RunningServer<BunServer>

/** Bun's native hash: synchronous, so an audit event's hash costs no thread-pool round trip. */
const sha256 = (data: Uint8Array) => Bun.SHA256.hash(data)

/** Serve `docs/<file>` from the swagger-ui-dist package (optional); Bun.file sets the content type. */
function bunAssets(): NexoraConfig['assets'] {
  let root: URL
  try {
    root = new URL('.', import.meta.resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined // an optional peer: /docs says to install it
  }
  return async (path) => {
    const file = path.replace(/^docs\//, '')
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) return undefined
    const blob = Bun.file(new URL(file, root).pathname)
    return (await blob.exists()) ? new Response(blob, { headers: { 'cache-control': 'public, max-age=86400' } }) : undefined
  }
}

/**
 * @example
 * // bun run main.ts
 * const { url } = await serveBun({ prepare: (nexora) => importModels(nexora).then(() => {}) })
 */
export function serveBun(options: BunServerOptions = {}): Promise<RunningBunServer> {
  return startServer<BunServer, BunHandler>(
    {
      env: (name) => Bun.env[name],
      writeErr: (line) => process.stderr.write(`${line}\n`),
      readText: (path) => readFile(path, 'utf8'),
      importModule: (spec) => import(/^\.{0,2}\//.test(spec) ? pathToFileURL(resolve(spec)).href : spec),
      handler: (nexora) => (request, server) => nexora.fetch(request, server),
      // setImmediate skips the 1 ms timer clamp before each audit group commit, as on Node.
      nexoraConfig: {
        getClientIp: (c) => (c.env as BunServer | undefined)?.requestIP?.(c.req.raw)?.address,
        assets: bunAssets(),
        sha256,
        scheduleCommit: setImmediate,
      },
      async plugins(config) {
        // Tokens are always verified: the configured key set, or in dev mode a local dev key; production
        // without a key set refuses to start. An authenticator plugin passed in wins.
        const auth = options.plugins?.some((p) => p.provides === 'authenticator') ? undefined : await serverAuth(config)
        if (auth) process.stderr.write(`${auth.banner}\n`)
        const storage = sqlStorage({ url: config.storage.url, durability: config.storage.durability, sha256, sharedRateLimits: config.sharedRateLimits })
        return [storage, ...(options.models ?? [linearModel()]), ...(auth ? [auth.plugin] : [])]
      },
      async listen(fetch, { port, host }) {
        // development: false, or an unexpected throw would answer with Bun's error page and its stack trace.
        const server = Bun.serve({ port, hostname: host, development: false, fetch })
        return {
          server,
          hostname: server.hostname,
          port: server.port,
          // stop() refuses new connections and resolves when the open ones have finished; past the deadline, stop(true) closes the rest.
          async stop(drainMs) {
            let deadline: ReturnType<typeof setTimeout> | undefined
            await Promise.race([
              server.stop(),
              new Promise<void>((resolve) => {
                deadline = setTimeout(() => resolve(server.stop(true)), drainMs)
              }),
            ])
            clearTimeout(deadline)
          },
        }
      },
      onSignal: (signal, run) => process.once(signal, run),
      exit: (code) => process.exit(code),
    },
    options,
  )
}
