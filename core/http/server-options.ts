import type { ServerConfig } from '../config/index.ts'
import type { Nexora, NexoraConfig } from '../nexora.ts'
import type { Plugin } from '../plugin/define-plugin.ts'

/**
 * What every server adapter (Node, Deno, Bun) takes; each adds its runtime's `handler` type. Unset
 * options come from the one configuration: `NEXORA_CONFIG` (a JSON file) under the `NEXORA_*`
 * environment, see docs/configuration.md.
 */
export interface ServerAdapterOptions {
  /** 0 picks a free port. Default `PORT`, else 8000. */
  port?: number
  /** Default `HOST`, else 127.0.0.1: a PHI service is not exposed beyond the host unless asked to. */
  host?: string
  /** libSQL (`file:`, `libsql://`) or `postgres://` URL. Default `NEXORA_DB`, else `file:./data/nexora.db`. */
  db?: string
  /** See storage-sql's Durability. Default `full`. */
  durability?: 'full' | 'normal'
  /** A configuration already loaded (`loadConfig`), used as it is instead of the file and environment. */
  settings?: ServerConfig
  /** Model plugins. Default: model-linear only (engines load on first use). */
  models?: Plugin[]
  /** Plugins beyond storage, logging and the models (and, on Deno and Bun, the JWT authenticator the configuration names). */
  plugins?: Plugin[]
  config?: NexoraConfig
  /** Called after start-up, before listening (e.g. to import demo models). */
  prepare?: (nexora: Nexora) => Promise<void>
  /** How long shutdown waits for in-flight requests before closing their connections. Default 10 s (`NEXORA_DRAIN_MS`). */
  drainMs?: number
  /** Install SIGTERM/SIGINT handlers that drain and exit. Default true. */
  handleSignals?: boolean
}
