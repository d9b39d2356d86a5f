import { NexoraError } from '../errors.ts'
import type { Caller } from '../ports/values.ts'

/** Nexora's own roles, expressed as scopes. `nexora/admin` implies every other one. */
export const SCOPES = {
  predict: 'nexora/predict',
  modelsRead: 'nexora/models.read',
  modelsWrite: 'nexora/models.write',
  auditRead: 'nexora/audit.read',
  admin: 'nexora/admin',
} as const

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.includes(scope) || caller.scopes.includes(SCOPES.admin)
}

/** Throw `auth.forbidden` naming the missing scope (never the caller's token). */
export function requireScope(caller: Caller, scope: string): void {
  if (!hasScope(caller, scope)) throw new NexoraError('auth.forbidden', { detail: `requires scope "${scope}"`, headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` } })
}
