import { NexoraError } from './errors.ts'

/**
 * Every front door refuses strings that are not well-formed Unicode (a lone UTF-16 surrogate,
 * which JSON's `\ud800` escape and protobuf's JSON form can carry), and strings holding NUL.
 * Such a string means one thing in memory and another once stored: UTF-8 stores replace a lone
 * surrogate, the libSQL client cuts text at NUL and PostgreSQL refuses NUL outright. It has no
 * place in a clinical record, a model input or the audit trail. The audit chain also stores such
 * strings safely on its own (core/audit/storable.ts); this check gives the caller a clear 400 first.
 */

/** True for a string every store keeps exactly as it is. */
export const isStorableText = (text: string): boolean => text.isWellFormed() && !text.includes('\u0000')

const MAX_PATH_SEGMENT = 64

/** A path segment fit to return to the caller: short and well-formed whatever the key was. */
function segment(key: string | number): string {
  const text = String(key)
  return (text.length > MAX_PATH_SEGMENT ? `${text.slice(0, MAX_PATH_SEGMENT)}…` : text).toWellFormed()
}

/**
 * The path of the first string value or object key that is not well-formed or holds NUL, or undefined.
 * Iterative, so a deeply nested body cannot overflow the stack; byte arrays are skipped.
 */
export function findIllFormed(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']]
  while (stack.length > 0) {
    const [current, path] = stack.pop()!
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path
      continue
    }
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current)) continue
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], `${path}[${i}]`])
      continue
    }
    for (const key of Object.keys(current)) {
      const at = path ? `${path}.${segment(key)}` : segment(key)
      if (!isStorableText(key)) return at
      stack.push([(current as Record<string, unknown>)[key], at])
    }
  }
  return undefined
}

/**
 * Throw `request.invalid_unicode` (400) when any string or key in `value` is not well-formed or holds NUL.
 * @example
 * requireWellFormed(await c.req.json())
 */
export function requireWellFormed(value: unknown): void {
  const path = findIllFormed(value)
  if (path !== undefined) {
    throw new NexoraError('request.invalid_unicode', { issues: [{ path: path || '(root)', message: 'contains a lone UTF-16 surrogate or NUL' }] })
  }
}
