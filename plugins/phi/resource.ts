import type { PhiOptions, PhiType, ResourceFinding } from './types.ts'
import { detectPhi } from './detect.ts'
import { stripTags } from './strip-tags.ts'
import { isStructuralString } from './fhir-elements.ts'

const PERSON_TYPES = new Set(['Patient', 'Practitioner', 'RelatedPerson', 'Person'])
const FHIR_DATE = /^\d{4}-\d{2}(?:-\d{2})?(?:T.*)?$/
const TELECOM: Record<string, PhiType> = { phone: 'PHONE', fax: 'FAX', email: 'EMAIL', url: 'URL', sms: 'PHONE', pager: 'PHONE', other: 'ID' }
const ID_CODES: Record<string, PhiType> = {
  MR: 'MRN',
  SS: 'SSN',
  DL: 'LICENSE',
  MB: 'HEALTH_PLAN_ID',
  SN: 'HEALTH_PLAN_ID',
  MC: 'HEALTH_PLAN_ID',
  AN: 'ACCOUNT',
  PPN: 'ID',
  DR: 'LICENSE',
  NPI: 'LICENSE',
  UDI: 'DEVICE_ID',
}

/**
 * Finds PHI in a FHIR resource by element path. Structured elements are typed by where they sit:
 * `name` → NAME, `address[].line` → ADDRESS, `.city` → CITY, `.postalCode` → ZIP, `telecom` by
 * `system`, `identifier` by `type`/`system` (SSN, MRN, …), `photo` → BIOMETRIC_ID, any date with a
 * month (`birthDate`, `effectiveDateTime`, …) → DATE; `contact[]` is walked the same way.
 * Every other string that is not structure (codes, URIs, ids, references: see `isStructuralString`)
 * goes through {@link detectPhi}, extensions and `identifier.type.text` included (`text.div` with
 * tags blanked so offsets stay valid in the div): one finding per (path, type) with spans.
 * @example
 * detectPhiInResource({ resourceType: 'Patient', birthDate: '1950-03-14' }) // [{ path: 'Patient.birthDate', type: 'DATE' }]
 */
export function detectPhiInResource(resource: object, options: PhiOptions = {}): ResourceFinding[] {
  const root = (resource as { resourceType?: unknown }).resourceType
  const rt = typeof root === 'string' ? root : 'Resource'
  const out: ResourceFinding[] = []
  walk(resource, rt, '', PERSON_TYPES.has(rt), out, options)
  return out
}

function walk(
  node: unknown,
  path: string,
  key: string,
  person: boolean,
  out: ResourceFinding[],
  options: PhiOptions,
  parent: Record<string, unknown> = {},
): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => walk(v, `${path}[${i}]`, key, person, out, options, parent))
    return
  }
  if (typeof node === 'string') {
    if (!isStructuralString(key, parent) && key !== 'reference' && key !== 'fullUrl') scalar(node, path, key, out, options)
    return
  }
  if (!node || typeof node !== 'object') return
  const obj = node as Record<string, unknown>
  if (key === 'name' && person) {
    out.push({ path, type: 'NAME' })
    return
  }
  if (key === 'telecom') {
    if (typeof obj.value === 'string') out.push({ path, type: TELECOM[String(obj.system)] ?? 'PHONE' })
    return
  }
  if (key === 'identifier') {
    if (obj.value !== undefined) out.push({ path, type: identifierType(obj) })
    for (const k of ['type', 'extension'] as const) if (obj[k] !== undefined) walk(obj[k], `${path}.${k}`, k, person, out, options, obj)
    return
  }
  if (key === 'photo') {
    out.push({ path, type: 'BIOMETRIC_ID' })
    return
  }
  if (key === 'resource' && typeof obj.resourceType === 'string') {
    // A contained / bundled resource starts its own path context.
    walk(obj, `${path}`, '', PERSON_TYPES.has(obj.resourceType), out, options)
    return
  }
  const inPerson = person || key === 'contact'
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'resourceType' || k === 'id' || k === 'system' || (k === 'url' && path.indexOf('.') < 0)) continue
    if (key === 'address' && k === 'line') {
      toArr(v).forEach((_, i) => out.push({ path: `${path}.line[${i}]`, type: 'ADDRESS' }))
      continue
    }
    if (key === 'address' && k === 'city') {
      out.push({ path: `${path}.city`, type: 'CITY' })
      continue
    }
    if (key === 'address' && k === 'postalCode') {
      out.push({ path: `${path}.postalCode`, type: 'ZIP' })
      continue
    }
    if (key === 'address' && k === 'district') {
      out.push({ path: `${path}.district`, type: 'LOCATION' })
      continue
    }
    if (key === 'address' && k === 'text') {
      out.push({ path: `${path}.text`, type: 'ADDRESS' })
      continue
    }
    if (key === 'address' && (k === 'state' || k === 'country' || k === 'use' || k === 'type')) continue // states are not PHI
    walk(v, `${path}.${k}`, k, inPerson, out, options, obj)
  }
}

function scalar(value: string, path: string, key: string, out: ResourceFinding[], options: PhiOptions): void {
  if (FHIR_DATE.test(value) && value.length >= 7) {
    out.push({ path, type: 'DATE' })
    return
  }
  const text = key === 'div' ? stripTags(value) : value
  const byType = new Map<PhiType, ResourceFinding>()
  for (const s of detectPhi(text, options)) {
    const f = byType.get(s.type) ?? { path, type: s.type, spans: [] }
    f.spans?.push(s)
    byType.set(s.type, f)
  }
  out.push(...byType.values())
}

function identifierType(id: Record<string, unknown>): PhiType {
  const system = typeof id.system === 'string' ? id.system : ''
  if (/us-ssn|2\.16\.840\.1\.113883\.4\.1$/.test(system)) return 'SSN'
  const coding = (id.type as { coding?: { code?: string }[] } | undefined)?.coding ?? []
  for (const c of coding) {
    const t = c.code ? ID_CODES[c.code] : undefined
    if (t) return t
  }
  if (/us-npi/.test(system)) return 'LICENSE'
  if (/mrn|medical-?record/i.test(system)) return 'MRN'
  return 'ID'
}

const toArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v])
