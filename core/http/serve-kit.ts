/**
 * The part every server adapter shares (Node, Deno, Bun): the one configuration, the stderr
 * logger, start-up reports, the URL, a drain-then-close shutdown and the signal handlers. Web
 * standards only; the adapter supplies its runtime's primitives (listen, signals, env, exit), so
 * each adapter file holds only what differs.
 */
import { loadConfig, nexoraConfigFrom, withTrustedKeysFile, type ServerConfig } from '../config/index.ts'
import { createLogger } from '../memory/runtime.ts'
import { createNexora, type Nexora, type NexoraConfig } from '../nexora.ts'
import { definePlugin, type Plugin } from '../plugin/define-plugin.ts'
import { pluginsFromModule } from '../plugin/plugin-module.ts'
import { unservableVersions } from '../registry/unservable.ts'
import type { ServerAdapterOptions } from './server-options.ts'

/** A runtime's server once it listens. */
export interface Listener<Server> {
  server: Server
  /** The bound address as the runtime reports it (an IPv6 one gets brackets in the URL). */
  hostname: string
  port: number
  /** Also served on another port (gRPC on Node). */
  grpcUrl?: string
  /** Refuse new connections and resolve once in-flight responses are sent; past `drainMs`, close the rest. */
  stop(drainMs: number): Promise<void>
}

/** What an adapter supplies: its runtime's primitives. */
export interface ServerRuntime<Server, Handler> {
  /** The environment (`process.env`, `Deno.env`, `Bun.env`). */
  env(name: string): string | undefined
  /** One line to stderr. */
  writeErr(line: string): void
  /** Reads a text file, for `NEXORA_CONFIG`. */
  readText(path: string): Promise<string>
  /** Imports a module the configuration's `plugins` names: a path (from the working directory) or a package. */
  importModule(spec: string): Promise<Record<string, unknown>>
  /** Nexora's own handler in the runtime's signature (passing on what resolves the client address). */
  handler(nexora: Nexora): Handler
  listen(handler: Handler, at: { port: number; host: string; nexora: Nexora; drainMs: number }): Promise<Listener<Server>>
  onSignal(signal: 'SIGTERM' | 'SIGINT', run: () => void): void
  exit(code: number): void
  /** The runtime's options for createNexora: getClientIp, assets, sha256, scheduleCommit. */
  nexoraConfig: NexoraConfig
  /** Storage, models, authentication: built from the configuration by the adapter. */
  plugins(config: ServerConfig): Promise<(Plugin | Plugin[])[]>
}

export interface KitOptions<Handler> extends ServerAdapterOptions {
  /** Put Nexora inside a larger app: given Nexora, return the runtime's handler. */
  handler?: (nexora: Nexora) => Handler
}

export interface RunningServer<Server> {
  nexora: Nexora
  server: Server
  url: string
  /** The effective configuration the server runs with. */
  config: ServerConfig
  grpcUrl?: string
  /** Stop accepting, let in-flight requests finish, flush the audit log and close the DB. */
  close(): Promise<void>
}

/** The adapter's options over `NEXORA_CONFIG` (a JSON file) and the environment, or the caller's loaded configuration as it is. */
async function configFor(runtime: ServerRuntime<unknown, unknown>, options: ServerAdapterOptions): Promise<ServerConfig> {
  if (options.settings) return options.settings
  const path = runtime.env('NEXORA_CONFIG')
  const file = path ? (JSON.parse(await runtime.readText(path)) as unknown) : undefined
  return loadConfig({
    file,
    source: path ?? 'environment',
    get: (name) => runtime.env(name),
    overrides: { port: options.port, host: options.host, drainMs: options.drainMs, storage: { url: options.db, durability: options.durability } },
  })
}

/**
 * Start a server on the runtime the adapter describes.
 * @example
 * export const serveDeno = (options = {}) => startServer(denoRuntime, options)
 */
export async function startServer<Server, Handler>(runtime: ServerRuntime<Server, Handler>, options: KitOptions<Handler> = {}): Promise<RunningServer<Server>> {
  // Trusted model keys from a file are read here: core's own configuration has no file system.
  const config = await withTrustedKeysFile(await configFor(runtime as ServerRuntime<unknown, unknown>, options), (path) => runtime.readText(path))
  const logger = definePlugin({
    name: 'stderr-logger',
    provides: 'logger',
    priority: -1,
    setup: () => createLogger({ write: (line) => runtime.writeErr(line), level: config.logLevel }),
  })
  const named: Plugin[] = []
  for (const spec of config.plugins) named.push(...(await pluginsFromModule(await runtime.importModule(spec), spec)))
  const nexora = await createNexora({
    plugins: [...(await runtime.plugins(config)), logger, ...named, ...(options.plugins ?? [])],
    config: { ...nexoraConfigFrom(config), ...runtime.nexoraConfig, checkpointIntervalMs: 300_000, ...options.config },
  })
  await options.prepare?.(nexora)
  // A registered version no loaded plugin serves would answer 500 model.kind_unavailable: say so now, not on the first request.
  for (const v of await unservableVersions(nexora.registry, nexora.ports.getAll('model')).catch(() => [])) {
    runtime.writeErr(
      `cannot serve ${v.model}@${v.version}: no loaded plugin serves kind "${v.kind}"; add it to "plugins" in nexora.config.json or pass --plugin`,
    )
  }
  const listener = await runtime.listen(options.handler?.(nexora) ?? runtime.handler(nexora), {
    port: config.port,
    host: config.host,
    nexora,
    drainMs: config.drainMs,
  })
  const host = listener.hostname.includes(':') ? `[${listener.hostname}]` : listener.hostname
  let closing: Promise<void> | undefined
  const close = () => (closing ??= listener.stop(config.drainMs).then(() => nexora.close()))

  if (options.handleSignals !== false) {
    const onSignal = (signal: 'SIGTERM' | 'SIGINT') => () => {
      nexora.ports.get('logger').info('server.stopping', { signal })
      // Never hang on the way out: past the drain deadline and a margin for the audit flush, exit anyway.
      const timer = setTimeout(() => {
        nexora.ports.get('logger').error('server.stop_timeout', { signal })
        runtime.exit(1)
      }, config.drainMs + 5_000)
      ;(timer as { unref?: () => void }).unref?.()
      close().then(
        () => runtime.exit(0),
        () => runtime.exit(1),
      )
    }
    runtime.onSignal('SIGTERM', onSignal('SIGTERM'))
    runtime.onSignal('SIGINT', onSignal('SIGINT'))
  }
  return { nexora, server: listener.server, url: `http://${host}:${listener.port}`, config, ...(listener.grpcUrl ? { grpcUrl: listener.grpcUrl } : {}), close }
}
