import type { MiddlewareHandler } from 'hono'
import type { PortHealth } from '../ports/values.ts'
import type { AuditLogger } from '../audit/audit-logger.ts'
import type { FrontDoor, FrontDoorContext } from '../ports/front-door.ts'
import type { FeatureStore } from '../ports/feature-store.ts'
import type { Logger, MetricsRegistry } from '../ports/runtime.ts'
import type { ModelRegistry } from '../registry/registry.ts'
import type { Lifecycle } from '../registry/lifecycle.ts'

import type { AppEnv } from './app-env.ts'

export type { AppEnv }

export interface HealthReport {
  status: 'ok' | 'down'
  ports: Record<string, PortHealth & { provider?: string; required: boolean }>
}

/** Serves a static file (e.g. the API docs' assets) or undefined; supplied by the adapter. */
export type AssetLoader = (path: string) => Promise<Response | undefined>

/** What the HTTP layer needs from createNexora. */
export interface HttpDeps {
  registry: ModelRegistry
  lifecycle: Lifecycle
  audit: AuditLogger
  now(): number
  predict: FrontDoorContext['predict']
  health(): Promise<HealthReport>
  /** Authentication, authorisation, rate limiting and decision audit (core/security). */
  security: MiddlewareHandler<AppEnv>
  /** The same decision for front doors with their own transport. */
  admit: FrontDoorContext['admit']
  /** Where `features: "store"` rows read, and how old their features may be. */
  featureStore: () => FeatureStore
  featureMaxAgeMs: number
  bodyLimitBytes: number
  /** Per-request time limit in ms. */
  timeoutMs: number
  /** Origins allowed cross-origin; empty means same origin only. */
  corsOrigins: string[]
  /** Front doors from plugins (FHIR, CDS Hooks, OIP…), registered after the core routes. */
  frontDoors: FrontDoor[]
  logger: Logger
  metrics: MetricsRegistry
  assets?: AssetLoader
  title: string
  version: string
}
