import type { FhirResource } from '../../core/index.ts'
import { isStructuralString } from '../phi/index.ts'
import type { PhiSpan, PhiType } from '../phi/index.ts'
import { normalizeSpans } from './detector.ts'
import { dateToYear, shiftDate, shiftDays, yearOf } from './dates.ts'
import { zip3 } from './generalize.ts'
import type { Keyed } from './keyed.ts'
import { rewriteReference } from './references.ts'
import { pseudoResourceId, surrogateId, surrogateName } from './surrogates.ts'
import { rewriteText } from './text.ts'
import type { DeidCounts, DeidOptions, Detect } from './types.ts'

/** The label every de-identified resource carries in `meta.security`. */
export const REDACTED_LABEL = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'REDACTED', display: 'redacted' }

/** Everything one pass over a resource or Bundle shares: key, detector cache, counts. */
export interface SafeHarborPass {
  keyed: Keyed
  options: DeidOptions
  detect: Detect
  /** Spans per string, so the recording pass and the final pass detect once. */
  spans: Map<string, PhiSpan[]>
  /** Set on the final pass only, so nothing is counted twice. */
  counts?: DeidCounts
}

type Json = unknown
type Obj = Record<string, Json>

const FHIR_DATE = /^\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?$/
// Instants cannot be cut to a year and stay valid, so in year mode they go.
const INSTANTS = new Set(['lastUpdated', 'issued', 'timestamp'])

const count = (pass: SafeHarborPass, type: PhiType, n = 1) => {
  if (pass.counts) pass.counts[type] = (pass.counts[type] ?? 0) + n
}
const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const asArray = (v: Json): Json[] => (Array.isArray(v) ? v : [v])

class Walker {
  constructor(
    private readonly pass: SafeHarborPass,
    private readonly patientId: string | undefined,
  ) {}

  /** A written date: shifted per patient or cut to its year; undefined drops it. */
  date(value: string, key: string): string | undefined {
    count(this.pass, 'DATE')
    if (this.pass.options.dates === 'year') return INSTANTS.has(key) ? undefined : dateToYear(value)
    return shiftDate(value, shiftDays(this.pass.keyed, this.patientId, this.pass.options.maxShiftDays))
  }

  /** Birth dates of people over 89 collapse to one year, so age 90+ is a single category. */
  birthDate(value: string): string | undefined {
    const now = this.pass.options.now ?? new Date()
    const born = yearOf(value)
    if (born !== undefined) {
      const md = /^\d{4}-(\d{2})-(\d{2})/.exec(value)
      const hadBirthday = !md || +md[1]! * 100 + +md[2]! <= (now.getUTCMonth() + 1) * 100 + now.getUTCDate()
      const age = now.getUTCFullYear() - born - (hadBirthday ? 0 : 1)
      if (age > 89) {
        count(this.pass, 'AGE')
        return String(now.getUTCFullYear() - 90)
      }
    }
    return /^\d{4}$/.test(value) ? value : this.date(value, 'birthDate')
  }

  freeText(value: string): string {
    let spans = this.pass.spans.get(value)
    if (!spans) {
      spans = normalizeSpans(this.pass.detect(value), value.length)
      this.pass.spans.set(value, spans)
    }
    if (spans.length === 0) return value
    const { operators, maxShiftDays, dates } = this.pass.options
    // In year mode, dates in notes follow the structured dates unless the caller said otherwise.
    const ops = dates === 'year' && !operators?.DATE ? { ...operators, DATE: 'generalize' as const } : operators
    return rewriteText(value, spans, this.pass.keyed, { operators: ops, maxShiftDays, patientId: this.patientId }, this.pass.counts).text
  }

  /**
   * A HumanName: its parts become surrogates, and so does every string in its extensions (own
   * name, partner prefix, `_family` / `_given` extensions: parts of the name too). Anything else
   * (prefix, suffix, or the fields of a `name` that is not a HumanName) goes through the detector.
   */
  humanName(name: Obj): Obj {
    count(this.pass, 'NAME')
    const out: Obj = {}
    const keyed = this.pass.keyed
    for (const [k, v] of Object.entries(name)) {
      if (k === 'period') continue
      if (k === 'text' || k === 'family') {
        if (typeof v === 'string') out[k] = surrogateName(keyed, v)
        continue
      }
      if (k === 'given') {
        if (Array.isArray(v)) out.given = v.map((g) => (typeof g === 'string' ? surrogateName(keyed, g) : g))
        continue
      }
      if (k === 'use') {
        out.use = v
        continue
      }
      const r = k === 'extension' || k.startsWith('_') ? this.nameExtension(k, v) : this.element(k, v, name)
      if (r !== undefined) out[k] = r
    }
    return out
  }

  /** Extensions on a name: structure as usual, but every written string is a name part. */
  private nameExtension(key: string, value: Json): Json {
    if (Array.isArray(value)) return value.map((v) => this.nameExtension(key, v))
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.nameExtension(k, v)]))
    if (typeof value !== 'string' || isStructuralString(key, {})) return value
    count(this.pass, 'NAME')
    return surrogateName(this.pass.keyed, value)
  }

  /** Keep only what Safe Harbor allows of an address: state, country and ZIP3. */
  address(address: Obj): Obj {
    count(this.pass, 'ADDRESS')
    const out: Obj = {}
    for (const k of ['use', 'type', 'state', 'country'] as const) if (address[k] !== undefined) out[k] = address[k]
    const zip = typeof address.postalCode === 'string' ? zip3(address.postalCode) : undefined
    if (zip) out.postalCode = zip
    return out
  }

  /**
   * An Identifier: the value becomes a surrogate of the same shape; system and use stay; the
   * assigner and period go; `type` (its `text` is typed by a person) and extensions go through
   * the walk like any other element.
   */
  identifier(identifier: Obj): Obj {
    const codes = ((identifier.type as Obj | undefined)?.coding as Obj[] | undefined)?.map((c) => c.code) ?? []
    const type: PhiType = String(identifier.system ?? '').includes('us-ssn') || codes.includes('SS') ? 'SSN' : codes.includes('MR') ? 'MRN' : 'ID'
    count(this.pass, type)
    const out: Obj = {}
    for (const [k, v] of Object.entries(identifier)) {
      if (k === 'period' || k === 'assigner') continue
      if (k === 'value' && typeof v === 'string') out.value = surrogateId(this.pass.keyed, v, type)
      else if (k === 'system' || k === 'use') out[k] = v
      else {
        const r = this.element(k, v, identifier)
        if (r !== undefined) out[k] = r
      }
    }
    return out
  }

  /** One resource (top level or contained). */
  resource(resource: Obj, contained = false): Obj {
    const out: Obj = {}
    for (const [key, value] of Object.entries(resource)) {
      // Narrative XHTML would need its own de-identifier; it is regenerable, so it goes.
      if (key === 'text' && isObj(value)) continue
      if (key === 'contact' || key === 'photo') continue
      if (key === 'id' && typeof value === 'string') {
        out.id = contained ? value : pseudoResourceId(this.pass.keyed, String(resource.resourceType), value)
        continue
      }
      if (key === 'contained' && Array.isArray(value)) {
        out.contained = value.map((r) => (isObj(r) ? this.resource(r, true) : r))
        continue
      }
      if (key === 'birthDate' && typeof value === 'string') {
        const b = this.birthDate(value)
        if (b !== undefined) out.birthDate = b
        continue
      }
      const v = this.element(key, value, resource)
      if (v !== undefined) out[key] = v
    }
    const meta = isObj(out.meta) ? out.meta : {}
    const { source: _source, ...keep } = meta
    const security = Array.isArray(keep.security) ? keep.security.filter((s) => !(isObj(s) && s.code === 'REDACTED')) : []
    out.meta = { ...keep, security: [...security, REDACTED_LABEL] }
    return out
  }

  /** Any element, by its key and shape. `undefined` means drop it. */
  element(key: string, value: Json, parent: Obj): Json {
    if (value === null || value === undefined) return value
    if (key === 'telecom') {
      for (const t of asArray(value)) count(this.pass, telecomType(t))
      return undefined
    }
    if (key === 'photo') return undefined
    if (key === 'address' && typeof value === 'object') return mapShape(value, (a) => this.address(a))
    if (key === 'identifier' && typeof value === 'object') return mapShape(value, (i) => this.identifier(i))
    if (key === 'name' && typeof value === 'object' && asArray(value).every((n) => isObj(n))) return mapShape(value, (n) => this.humanName(n))
    if (key === 'reference' && typeof value === 'string') return rewriteReference(this.pass.keyed, value)
    // A Reference's display is usually the target's name; the target itself is de-identified.
    if (key === 'display' && (parent.reference !== undefined || parent.identifier !== undefined) && parent.system === undefined) return undefined
    // Attachment payloads (scanned documents, images) cannot be scanned here.
    if ((key === 'data' || key === 'url') && parent.contentType !== undefined) return undefined
    if (Array.isArray(value)) return value.map((v) => this.element(key, v, parent)).filter((v) => v !== undefined)
    if (isObj(value)) {
      if (typeof value.resourceType === 'string') return this.resource(value)
      const out: Obj = {}
      for (const [k, v] of Object.entries(value)) {
        const r = this.element(k, v, value)
        if (r !== undefined) out[k] = r
      }
      return out
    }
    if (typeof value !== 'string') return value
    if (FHIR_DATE.test(value)) return this.date(value, key)
    if (isStructuralString(key, parent)) return value
    return this.freeText(value)
  }
}

function telecomType(t: Json): PhiType {
  const system = isObj(t) ? t.system : undefined
  return system === 'email' ? 'EMAIL' : system === 'fax' ? 'FAX' : system === 'url' ? 'URL' : system === 'phone' || system === 'sms' ? 'PHONE' : 'ID'
}

function mapShape(value: object, fn: (o: Obj) => Obj): Json {
  return Array.isArray(value) ? value.filter(isObj).map(fn) : isObj(value) ? fn(value) : undefined
}

/**
 * The Safe Harbor profile for one resource: a new resource, the input untouched.
 * `patientId` is the raw id whose date shift applies.
 */
export function safeHarborResource<T extends FhirResource>(pass: SafeHarborPass, resource: T, patientId: string | undefined): T {
  return new Walker(pass, patientId).resource(resource as Obj) as T
}

/** Any element outside a resource (a Bundle's own fields), under the same rules. */
export function safeHarborElement(pass: SafeHarborPass, key: string, value: Json, parent: Obj, patientId?: string): Json {
  return new Walker(pass, patientId).element(key, value, parent)
}
