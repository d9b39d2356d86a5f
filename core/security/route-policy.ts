import type { Authenticator } from '../ports/authenticator.ts'
import type { RateLimitRule } from '../ports/rate-limit.ts'
import type { PatientContextRule } from './patient-context.ts'
import { PREDICT_ACCESS, SCOPES, type ScopeRequirement } from './scopes.ts'

/** Rate-limit classes: each route belongs to one, and each class has its own bucket per principal. */
export type RateClass = 'predict' | 'read' | 'write' | 'audit' | 'public'

export interface RoutePolicy {
  /** `public`: no authentication. Otherwise the caller needs any one of `anyOf` (`nexora/admin` always passes). */
  access: 'public' | { anyOf: readonly ScopeRequirement[] }
  rate: RateClass
  /**
   * `middleware`: the security layer records an `access` event for each allowed call.
   * `handler`: the handler writes its own audit events (the prediction pipeline does).
   */
  audit: 'middleware' | 'handler'
  /** The path parameter that names a patient, recorded as the event's patient. */
  patientParam?: string
  /**
   * Authenticates this route in place of the installed authenticator, for a front door whose
   * callers carry other credentials (CDS Hooks: an EHR's signed JWT whose `aud` is the URL called).
   */
  authenticator?: Authenticator
  /**
   * What a SMART patient-context caller may do here (see core/security/patient-context.ts):
   * `own` (only its launch patient), `refuse`, or `any` (no patient data involved). A route
   * that does not say refuses such a caller (fail closed); a test requires every authenticated
   * route to say.
   */
  patientContext?: PatientContextRule
}

const read = { anyOf: [SCOPES.modelsRead, SCOPES.predict, SCOPES.modelsWrite] }

/**
 * The one table of who may call what. Keys are `METHOD path` with Hono's `:param` syntax.
 * A test walks `/openapi.json` and fails if a route is missing here; at run time a route
 * without an entry is refused (fail closed).
 */
export const ROUTE_POLICIES: Record<string, RoutePolicy> = {
  'GET /health': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /health/ready': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /health/live': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /openapi.json': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /docs': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /docs/assets/init.js': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  'GET /docs/assets/:file': { access: 'public', rate: 'public', audit: 'handler', patientContext: 'any' },
  // Model quality gauges are aggregates over every patient, like the monitoring reports.
  'GET /metrics': { access: { anyOf: [SCOPES.metrics] }, rate: 'read', audit: 'handler', patientContext: 'refuse' },
  'GET /models': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  'GET /models/:name': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  'GET /models/:name/versions/:version': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  'GET /models/:name/source-attributes': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  // Changing what every patient is scored with is not a one-patient action.
  'POST /models/:name/versions/:version/promote': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'POST /models/:name/versions/:version/archive': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'GET /models/:name/lifecycle': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  'GET /models/:name/timeline': { access: read, rate: 'read', audit: 'middleware', patientContext: 'any' },
  'POST /models/:name/versions/:version/approve': { access: { anyOf: [SCOPES.modelsApprove] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'POST /models/:name/versions/:version/shadow': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'POST /models/:name/versions/:version/canary': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'POST /models/:name/canary/advance': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  'POST /models/:name/canary/rollback': { access: { anyOf: [SCOPES.modelsWrite] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
  // The pipeline checks that every row names the launch patient.
  'POST /predict': { access: { anyOf: PREDICT_ACCESS }, rate: 'predict', audit: 'handler', patientContext: 'own' },
  // The launch patient's events only; the report, verify and checkpoint span every patient.
  'GET /audit/events': { access: { anyOf: [SCOPES.auditRead] }, rate: 'audit', audit: 'middleware', patientContext: 'own' },
  'GET /audit/report': { access: { anyOf: [SCOPES.auditRead] }, rate: 'audit', audit: 'middleware', patientContext: 'refuse' },
  'POST /audit/verify': { access: { anyOf: [SCOPES.auditRead] }, rate: 'audit', audit: 'middleware', patientContext: 'refuse' },
  'POST /audit/checkpoint': { access: { anyOf: [SCOPES.admin] }, rate: 'write', audit: 'middleware', patientContext: 'refuse' },
}

/** Default buckets per principal: capacity (burst) and refill per second. */
export const DEFAULT_RATE_LIMITS: Record<RateClass, RateLimitRule> = {
  predict: { capacity: 200, refillPerSecond: 100 },
  read: { capacity: 100, refillPerSecond: 50 },
  write: { capacity: 20, refillPerSecond: 2 },
  audit: { capacity: 30, refillPerSecond: 5 },
  public: { capacity: 120, refillPerSecond: 60 },
}
