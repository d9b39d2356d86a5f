import type { Context } from 'hono'
import type { PortHealth } from '../ports/values.ts'
import type { Caller, PredictionRequest, PredictionResult } from '../ports/values.ts'
import type { Logger } from '../ports/runtime.ts'
import type { ModelRegistry } from '../registry/registry.ts'

/** Per-request variables every route can read. */
export interface AppEnv {
  Variables: {
    requestId: string
    caller: Caller
  }
}

export interface HealthReport {
  status: 'ok' | 'down'
  ports: Record<string, PortHealth & { provider?: string; required: boolean }>
}

/** Serves a static file (e.g. the API docs' assets) or undefined; supplied by the adapter. */
export type AssetLoader = (path: string) => Promise<Response | undefined>

/** What the HTTP layer needs from createNexora. */
export interface HttpDeps {
  registry: ModelRegistry
  predict(request: PredictionRequest, caller: Caller, requestId: string): Promise<PredictionResult>
  health(): Promise<HealthReport>
  /** Who is calling; the security layer replaces the dev default. */
  resolveCaller(c: Context<AppEnv>): Caller | Promise<Caller>
  bodyLimitBytes: number
  logger: Logger
  assets?: AssetLoader
  title: string
  version: string
}
