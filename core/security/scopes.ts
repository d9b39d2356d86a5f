import { NexoraError } from '../errors.ts'
import type { Caller } from '../ports/values.ts'
import { allowsSmart, type Permission } from './smart-scopes.ts'

/** Nexora's own roles, expressed as scopes. `nexora/admin` implies every other one. */
export const SCOPES = {
  predict: 'nexora/predict',
  modelsRead: 'nexora/models.read',
  modelsWrite: 'nexora/models.write',
  /** The second person of two-person approval: may approve a version another principal will promote. */
  modelsApprove: 'nexora/models.approve',
  auditRead: 'nexora/audit.read',
  deid: 'nexora/deid',
  metrics: 'nexora/metrics',
  monitor: 'nexora/monitor',
  /** Population jobs: start them, follow them, read their worklists. */
  jobs: 'nexora/jobs',
  /** Feeds: a FHIR server's Subscription notifications (its own credential). */
  feeds: 'nexora/feeds',
  admin: 'nexora/admin',
} as const

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.includes(scope) || caller.scopes.includes(SCOPES.admin)
}

/** Throw `auth.forbidden` naming the missing scope (never the caller's token). */
export function requireScope(caller: Caller, scope: string): void {
  if (!hasScope(caller, scope))
    throw new NexoraError('auth.forbidden', {
      detail: `requires scope "${scope}"`,
      headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    })
}

/** A requirement is met by a Nexora scope, or by a SMART scope on a FHIR type. */
export type ScopeRequirement = string | { smart: string; permission: Permission }

/** Does the caller meet any one of the requirements (`nexora/admin` meets all)? */
export function satisfies(caller: Pick<Caller, 'scopes'>, anyOf: readonly ScopeRequirement[]): boolean {
  if (caller.scopes.includes(SCOPES.admin)) return true
  return anyOf.some((r) => (typeof r === 'string' ? caller.scopes.includes(r) : allowsSmart(caller.scopes, r.smart, r.permission)))
}

/** Who may run a prediction, on any front door: the route table and the pipeline share it. */
export const PREDICT_ACCESS: readonly ScopeRequirement[] = [SCOPES.predict, { smart: 'RiskAssessment', permission: 'c' }]

/** Throw `auth.forbidden` unless the caller meets one of the requirements. */
export function requireAny(caller: Caller, anyOf: readonly ScopeRequirement[]): void {
  if (!satisfies(caller, anyOf)) {
    const first = anyOf.find((r): r is string => typeof r === 'string') ?? SCOPES.admin
    throw new NexoraError('auth.forbidden', {
      detail: `requires scope "${first}"`,
      headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${first}"` },
    })
  }
}
