/**
 * FHIR search over the store, for the parameters a feature extractor needs: `_id`, `patient`,
 * `subject`, `code` (`system|code` or `code`), `date` (eq/ne/gt/lt/ge/le/sa/eb on the resource's
 * main date, by FHIR's range semantics) and the paging controls `_count` and `_offset`.
 * Comma-separated values are ORed, repeated parameters ANDed, as in the spec.
 */
import { patientOf, type FhirJson, type FhirStore } from './store.ts'

export const SEARCH_PARAMETERS = ['_id', 'patient', 'subject', 'code', 'date'] as const
export const PAGING_PARAMETERS = ['_count', '_offset'] as const
/** Parameters that change the response format only; accepted and ignored. */
const HARMLESS = new Set(['_format', '_pretty'])

export class SearchError extends Error {}

type Matcher = (resource: FhirJson) => boolean

interface Coding {
  system?: string
  code?: string
}

/** The codings a `code` search looks at: `code`, or a medication's concept. */
function codingsOf(resource: FhirJson): Coding[] {
  const concept = (resource.code ?? resource.medicationCodeableConcept) as { coding?: Coding[] } | undefined
  return concept?.coding ?? []
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/

/** A FHIR date/dateTime/instant as the half-open range [start, end) of instants it covers (UTC if no zone). */
export function dateRange(value: string): [number, number] | undefined {
  const m = DATE.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const year = Number(y)
  if (mo === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)]
  if (d === undefined) return [Date.UTC(year, Number(mo) - 1, 1), Date.UTC(year, Number(mo), 1)]
  if (h === undefined) return [Date.UTC(year, Number(mo) - 1, Number(d)), Date.UTC(year, Number(mo) - 1, Number(d) + 1)]
  const start = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''}${zone ?? 'Z'}`)
  if (Number.isNaN(start)) return undefined
  return [start, start + (frac ? 1 : s !== undefined ? 1000 : 60_000)]
}

/** The resource's main date as a range: clinical time where it has one, else the last update. */
function mainDate(resource: FhirJson): [number, number] | undefined {
  const period = (resource.period ?? resource.effectivePeriod) as { start?: string; end?: string } | undefined
  if (period?.start || period?.end) {
    const start = period.start ? dateRange(period.start)?.[0] : Number.NEGATIVE_INFINITY
    const end = period.end ? dateRange(period.end)?.[1] : Number.POSITIVE_INFINITY
    return start === undefined || end === undefined ? undefined : [start, end]
  }
  const value =
    resource.effectiveDateTime ??
    resource.effectiveInstant ??
    resource.recordedDate ??
    resource.onsetDateTime ??
    resource.authoredOn ??
    resource.occurrenceDateTime ??
    resource.date ??
    resource.issued ??
    resource.birthDate ??
    resource.meta?.lastUpdated
  return typeof value === 'string' ? dateRange(value) : undefined
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'] as const

function dateMatcher(value: string): Matcher {
  const prefix = PREFIXES.find((p) => value.startsWith(p)) ?? 'eq'
  const range = dateRange(value.startsWith(prefix) ? value.slice(2) : value)
  if (!range) throw new SearchError(`date: not a FHIR date: ${value}`)
  const [lo, hi] = range
  return (resource) => {
    const r = mainDate(resource)
    if (!r) return false
    switch (prefix) {
      case 'eq':
        return r[0] >= lo && r[1] <= hi
      case 'ne':
        return !(r[0] >= lo && r[1] <= hi)
      case 'gt':
        return r[1] > hi
      case 'lt':
        return r[0] < lo
      case 'ge':
        return r[1] > lo
      case 'le':
        return r[0] < hi
      case 'sa':
        return r[0] >= hi
      case 'eb':
        return r[1] <= lo
    }
  }
}

function codeMatcher(value: string): Matcher {
  const bar = value.indexOf('|')
  // `system|code`, `|code` (no system), `system|` (any code in the system) or a bare `code`.
  const system = bar < 0 ? undefined : value.slice(0, bar)
  const code = bar < 0 ? value : value.slice(bar + 1)
  return (resource) =>
    codingsOf(resource).some(
      (c) => (system === undefined || (system === '' ? c.system === undefined : c.system === system)) && (code === '' || c.code === code),
    )
}

function referenceMatcher(name: 'patient' | 'subject', value: string): Matcher {
  if (name === 'patient') {
    const id = value.replace(/^Patient\//, '')
    return (resource) => resource.resourceType !== 'Patient' && patientOf(resource) === id
  }
  // `subject=Type/id`, or a bare id matching a subject of any type.
  return (resource) => {
    const reference = (resource.subject as { reference?: unknown } | undefined)?.reference
    return typeof reference === 'string' && (value.includes('/') ? reference === value : reference.endsWith(`/${value}`))
  }
}

function matcherFor(name: string, value: string): Matcher {
  const alternatives = value.split(',').map((v): Matcher => {
    switch (name) {
      case '_id':
        return (resource) => resource.id === v
      case 'patient':
      case 'subject':
        return referenceMatcher(name, v)
      case 'code':
        return codeMatcher(v)
      default:
        return dateMatcher(v)
    }
  })
  return (resource) => alternatives.some((m) => m(resource))
}

export interface ParsedSearch {
  matchers: Matcher[]
  /** The patient a `patient`/`subject=Patient/…` parameter names: the search can use the compartment index. */
  patient?: string
  count: number
  offset: number
  /** Parameters that were not understood (ignored unless strict). */
  ignored: string[]
}

export function parseSearch(params: [string, string][], options: { pageSize: number; maxPageSize: number; strict: boolean }): ParsedSearch {
  const parsed: ParsedSearch = { matchers: [], count: options.pageSize, offset: 0, ignored: [] }
  for (const [name, value] of params) {
    if (name === '_count' || name === '_offset') {
      if (!/^\d+$/.test(value)) throw new SearchError(`${name} must be a non-negative integer, got "${value}"`)
      if (name === '_count') parsed.count = Math.min(Number(value), options.maxPageSize)
      else parsed.offset = Number(value)
    } else if ((SEARCH_PARAMETERS as readonly string[]).includes(name)) {
      if (value === '') throw new SearchError(`${name} needs a value`)
      parsed.matchers.push(matcherFor(name, value))
      if (name === 'patient' && !value.includes(',')) parsed.patient = value.replace(/^Patient\//, '')
      if (name === 'subject' && value.startsWith('Patient/') && !value.includes(',')) parsed.patient = value.slice('Patient/'.length)
    } else if (!HARMLESS.has(name)) {
      if (options.strict) throw new SearchError(`unsupported search parameter: ${name} (supported: ${[...SEARCH_PARAMETERS, ...PAGING_PARAMETERS].join(', ')})`)
      parsed.ignored.push(name)
    }
  }
  return parsed
}

/** Every current resource of `type` matching all the parameters, in store order. */
export function runSearch(store: FhirStore, type: string, search: ParsedSearch): FhirJson[] {
  const candidates = search.patient !== undefined ? store.compartment(search.patient).filter((r) => r.resourceType === type) : store.all(type)
  return candidates.filter((r) => search.matchers.every((m) => m(r)))
}
