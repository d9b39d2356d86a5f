/**
 * The form in which an audit event is hashed is the form in which every store keeps it, so
 * no input can make a stored row and its hash disagree. Two things do not survive storage as
 * JavaScript holds them: a lone UTF-16 surrogate (UTF-8 engines such as SQLite and PostgreSQL
 * store U+FFFD in its place) and NUL (PostgreSQL refuses it in text, and refusing would fail
 * every other event committed in the same batch). Both become U+FFFD before hashing.
 */

// Lone surrogates and NUL: the only code units that storage changes or refuses.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be found
const UNSTORABLE = /[\u0000\ud800-\udfff]/
const MAX_DEPTH = 256

/** A string as every store keeps it: well-formed Unicode without NUL. */
export function storableText(text: string): string {
  if (!UNSTORABLE.test(text)) return text
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

/** The same for an optional column. */
export const storableOptional = (text: string | null | undefined): string | null => (text == null ? null : storableText(text))

/**
 * A context object as pure, storable JSON data: strings and keys made storable, non-finite
 * numbers as null and `undefined` members dropped (as JSON.stringify writes them), so the parsed
 * stored text is exactly the object that was hashed. Walks without recursion: a deep object
 * cannot overflow the stack.
 */
export function storableContext(context: Record<string, unknown> | undefined): Record<string, unknown> {
  if (context === undefined) return {}
  const root: Record<string, unknown> = {}
  const stack: [unknown, Record<string, unknown> | unknown[], number][] = [[context, root, 0]]
  while (stack.length > 0) {
    const [source, target, depth] = stack.pop()!
    // Deeper than any context Nexora writes: a cycle, which JSON cannot hold either.
    if (depth > MAX_DEPTH) throw new TypeError('audit context is cyclic or too deep')
    const entries = Array.isArray(source) ? Array.from(source, (v, i) => [i, v] as const) : Object.entries(source as object)
    for (const [key, raw] of entries) {
      const value = toJsonValue(raw)
      if (value === undefined && typeof key === 'string') continue
      let copy: unknown = value ?? null
      if (copy !== null && typeof copy === 'object') {
        copy = Array.isArray(copy) ? [] : {}
        stack.push([value, copy as Record<string, unknown> | unknown[], depth + 1])
      }
      if (Array.isArray(target)) target[key as number] = copy
      else target[storableText(String(key))] = copy
    }
  }
  return root
}

/** One JSON value as JSON.stringify would see it; undefined where it would drop the member. */
function toJsonValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value)
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON
    return typeof json === 'function' ? toJsonValue(json.call(value)) : value
  }
  return undefined
}
