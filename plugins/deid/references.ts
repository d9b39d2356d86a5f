import type { Keyed } from './keyed.ts'
import { pseudoResourceId, pseudoUuid } from './surrogates.ts'

const LITERAL = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})(?:\/_history\/[^/]+)?$/

/**
 * Rewrite a reference or fullUrl to its pseudonymised form. A pure function of the string and the
 * key, so a resource id, every reference to it and its fullUrl all change the same way without
 * a lookup table: `Patient/123` → `Patient/<pseudo>`, `urn:uuid:…` → another uuid, and
 * `https://ehr/fhir/Patient/123` → `https://ehr/fhir/Patient/<pseudo>`. Local `#contained`
 * references stay. Anything else (a conditional `Patient?identifier=…`) may carry an identifier
 * and comes back `undefined`, to be dropped.
 * @example
 * rewriteReference(keyed, 'Patient/123') // 'Patient/3f9c…'
 */
export function rewriteReference(keyed: Keyed, ref: string): string | undefined {
  if (ref.startsWith('#')) return ref
  if (ref.toLowerCase().startsWith('urn:uuid:')) return `urn:uuid:${pseudoUuid(keyed, ref.slice(9))}`
  const m = LITERAL.exec(ref)
  if (!m || ref.includes('?')) return undefined
  // A version would let a reader look the original up on the source server.
  return `${m[1] ?? ''}${m[2]}/${pseudoResourceId(keyed, m[2]!, m[3]!)}`
}
