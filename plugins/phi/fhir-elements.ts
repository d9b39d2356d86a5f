/**
 * Which FHIR string elements are structure, not writing: codes, URIs, enums, ids, versions and
 * units carry no identifiers and must stay valid FHIR. Every other string element, extensions
 * included, is scanned (detection) or rewritten (de-identification); this list is the exception,
 * kept short on purpose.
 */
const STRUCTURAL = new Set([
  'resourceType',
  'id',
  'system',
  'code',
  'version',
  'url',
  'status',
  'use',
  'gender',
  'unit',
  'profile',
  'language',
  'contentType',
  'intent',
  'priority',
  'comparator',
  'mode',
  'relation',
  'method',
  'versionId',
  'type',
])
const STRUCTURAL_VALUE = /^value(Code|Uri|Url|Canonical|Id|Oid|Uuid|Base64Binary|Boolean|Integer|Decimal)$/

/**
 * True when a string under this key is structure, never free text. A Coding's `display` is
 * terminology (it names the code, not the patient), so it counts too when `parent` is a Coding.
 * @example
 * isStructuralString('system', {}) // true
 * isStructuralString('valueString', {}) // false
 */
export function isStructuralString(key: string, parent: Record<string, unknown>): boolean {
  if (STRUCTURAL.has(key) || STRUCTURAL_VALUE.test(key)) return true
  return key === 'display' && (parent.system !== undefined || parent.code !== undefined)
}
