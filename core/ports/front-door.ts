import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AuditLogger } from '../audit/audit-logger.ts'
import type { NexoraError } from '../errors.ts'
import type { AppEnv } from '../http/app-env.ts'
import type { ModelRegistry } from '../registry/registry.ts'
import type { Lifecycle } from '../registry/lifecycle.ts'
import type { RoutePolicy } from '../security/route-policy.ts'
import type { Admission, AdmissionRequest } from '../security/admission.ts'
import type { Clock } from './runtime.ts'
import type { Caller, PredictionRequest, PredictionResult, Row } from './values.ts'

/** What a front door may use: the one pipeline and the shared services. */
export interface FrontDoorContext {
  predict(
    request: PredictionRequest,
    caller: Caller,
    requestId: string,
    options?: {
      route?: string
      loadRows?: () => Promise<{ rows: Row[]; context?: Record<string, unknown> }>
    },
  ): Promise<PredictionResult>
  registry: ModelRegistry
  /** Shadows, canaries, approvals and rollback. */
  lifecycle: Lifecycle
  audit: AuditLogger
  clock: Clock
  /**
   * The security decision every HTTP route gets (authenticate, authorise, rate-limit, audit), for
   * a front door with a transport of its own (gRPC over HTTP/2 has no Hono in front of it).
   */
  admit(request: AdmissionRequest): Promise<Admission>
}

/**
 * A front door contributed by a plugin (FHIR, CDS Hooks, OIP…): its routes, their access
 * policies (merged into the one route table), and optionally its own error format for a path prefix.
 */
export interface FrontDoor {
  name: string
  policies: Record<string, RoutePolicy>
  register(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext): void
  errors?: { prefix: string; render(error: NexoraError, requestId: string | undefined): Response }
}
