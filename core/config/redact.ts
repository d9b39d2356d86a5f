/** Keys whose values are secrets: bearer tokens, and the private members of a JWK. */
const SECRET_KEYS = new Set(['token', 'witnessToken', 'notifyToken', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
export const REDACTED = '[redacted]'

/** A URL's password (postgres://user:secret@host) hidden; anything that is not such a URL unchanged. */
function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(text)) return text
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, `$1:${REDACTED}@`)
}

/**
 * A configuration with its secrets replaced, for `nexora config print` and start-up reports:
 * tokens, private key members and passwords inside URLs. File paths to secrets stay (they are not
 * the secret).
 * @example redactConfig({ fhir: { token: 't0p' } }) // { fhir: { token: '[redacted]' } }
 */
export function redactConfig<T>(value: T): T {
  const walk = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') return key && SECRET_KEYS.has(key) ? REDACTED : redactUrl(node)
    if (Array.isArray(node)) return node.map((item) => walk(item))
    if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]))
    return node
  }
  return walk(value) as T
}
