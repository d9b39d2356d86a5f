import type { Nexora, NexoraConfig } from '../nexora.ts'
import type { Plugin } from '../plugin/define-plugin.ts'

/** What every server adapter (Node, Deno, Bun) takes; each adds its runtime's `handler` type. */
export interface ServerAdapterOptions {
  /** 0 picks a free port. Default 8000 (Deno and Bun read `PORT` first). */
  port?: number
  /** Default 127.0.0.1 (Deno and Bun read `HOST` first): a PHI service is not exposed beyond the host unless asked to. */
  host?: string
  /** libSQL URL. Default `file:./data/nexora.db` (Deno and Bun read `NEXORA_DB` first). */
  db?: string
  /** See storage-sql's Durability. Default `full`. */
  durability?: 'full' | 'normal'
  /** Model plugins. Default: model-linear only (engines load on first use). */
  models?: Plugin[]
  /** Plugins beyond storage, logging and the models (and, on Deno and Bun, the JWT authenticator the environment configures). */
  plugins?: Plugin[]
  config?: NexoraConfig
  /** Called after start-up, before listening (e.g. to import demo models). */
  prepare?: (nexora: Nexora) => Promise<void>
  /** How long shutdown waits for in-flight requests before closing their connections. Default 10 s. */
  drainMs?: number
  /** Install SIGTERM/SIGINT handlers that drain and exit. Default true. */
  handleSignals?: boolean
}
