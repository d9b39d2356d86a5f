/**
 * SMART App Launch scopes, v2 (`patient/Observation.rs`) and v1 (`user/Patient.read`):
 * does a granted scope allow an interaction on a resource type?
 * v1 `read` = v2 `rs`, v1 `write` = v2 `cud`, `*` = `cruds`; `*` as the type matches any type.
 */

export type SmartContext = 'patient' | 'user' | 'system'
export type Permission = 'c' | 'r' | 'u' | 'd' | 's'

interface ParsedScope {
  context: SmartContext
  type: string
  permissions: Set<Permission>
}

const V1: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' }
const SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)(\?.*)?$/

export function parseSmartScope(scope: string): ParsedScope | undefined {
  const match = SCOPE.exec(scope)
  if (!match) return undefined
  const [, context, type, raw] = match
  const letters = V1[raw!] ?? raw!
  // v2 letters must appear in c-r-u-d-s order, without repeats.
  if (!/^c?r?u?d?s?$/.test(letters) || letters.length === 0) return undefined
  return { context: context as SmartContext, type: type!, permissions: new Set(letters.split('') as Permission[]) }
}

/**
 * True when one of `scopes` grants `permission` on `type` in one of `contexts`.
 * @example
 * allowsSmart(['user/Patient.rs'], 'Patient', 'r') // true
 */
export function allowsSmart(
  scopes: readonly string[],
  type: string,
  permission: Permission,
  contexts: readonly SmartContext[] = ['patient', 'user', 'system'],
): boolean {
  return scopes.some((s) => {
    const p = parseSmartScope(s)
    return p !== undefined && contexts.includes(p.context) && (p.type === '*' || p.type === type) && p.permissions.has(permission)
  })
}
