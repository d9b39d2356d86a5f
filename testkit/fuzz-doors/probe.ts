/**
 * What the doors of test/security/unicode-fuzz.test.ts are made of: a Probe (one request and what its
 * answer must be) and the generators every door shares: a body door (fuzzed path segment, body,
 * unknown members, raw WTF-8 bytes) and a GET door (fuzzed path and query).
 */
import fc from 'fast-check'
import { findIllFormed } from '../../core/well-formed.ts'
import { fuzzString, orFuzz, queryString, stringsIn, uriComponent, type ErrorFormat } from '../unicode-fuzz.ts'

export const FEATURES = ['age', 'sex', 'systolic_bp', 'hba1c', 'egfr', 'prior_admissions', 'length_of_stay', 'on_anticoagulant']
export const VALID_FEATURES = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
export const ISO = '2026-06-01T00:00:00Z'

/** One request a door sends, and what its answer must be. */
export interface Probe {
  method: string
  /** Path and query, already encoded. */
  path: string
  /** The JSON body as a value; sent as JSON text (lone surrogates as `\ud800` escapes) unless `wtf8`. */
  body?: unknown
  /** Send the body's lone surrogates as raw WTF-8 bytes (ED A0 80) instead of escapes: the server decodes U+FFFD. */
  wtf8?: boolean
  headers?: Record<string, string>
  /** `api`: a dev-key token for the door's current subject; `cds`: the EHR's JWT for this path; `none`: no token. */
  auth: 'api' | 'cds' | 'none'
  format: ErrorFormat
  /** Every caller string in the request (the echo check looks for each in an error). */
  strings: string[]
  /** A lone surrogate sits in a body field the route reads, and nothing before the body can fail: 400 `request.invalid_unicode`. */
  refuse: boolean
  /** A lone surrogate sits only in an unknown member the route's schema strips: refused only when the body fails validation anyway. */
  strippedOnly?: boolean
  /** Send over the h2c gRPC port instead of the HTTP port. */
  h2c?: boolean
}

/** `refuse` for a body whose read part is `known`: a lone surrogate there, sent as escapes. */
export const refuses = (known: unknown, wtf8: boolean) => !wtf8 && findIllFormed(known) !== undefined
/** An optional unknown top-level member: the route's object schema strips it before the check sees a success's data. */
export const extra = fc.option(fc.tuple(fuzzString, fuzzString), { nil: undefined, freq: 4 })
export const strippedOnly = (known: unknown, member: [string, string] | undefined, wtf8: boolean) => !refuses(known, wtf8) && refuses(member, wtf8)
export const withExtra = (body: Record<string, unknown>, member: [string, string] | undefined) => (member ? { ...body, [member[0]]: member[1] } : body)
export const rawBytes = fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 })
export const compact = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
const pairs = (keys: string[]) => fc.array(fc.tuple(keys.length ? fc.oneof(fc.constantFrom(...keys), fuzzString) : fuzzString, fuzzString), { maxLength: 4 })
export const pathStrings = (...parts: string[]) => [...parts, ...parts.map(uriComponent)]

/** A JSON body door: body mode (valid path, fuzzed body) or path mode (fuzzed path and query, a valid body). */
export function bodyDoor(options: {
  method: string
  format: ErrorFormat
  auth?: Probe['auth']
  path: (segment: string) => string
  validSegment: string
  body: fc.Arbitrary<Record<string, unknown>>
  validBody: Record<string, unknown>
  query?: string[]
}): fc.Arbitrary<Probe> {
  const { method, format, auth = 'api' } = options
  const bodyMode = fc.tuple(options.body, extra, rawBytes).map(
    ([known, member, raw]): Probe => ({
      method,
      format,
      auth,
      path: options.path(uriComponent(options.validSegment)),
      body: withExtra(known, member),
      wtf8: raw,
      strings: stringsIn(withExtra(known, member)),
      refuse: refuses(known, raw),
      strippedOnly: strippedOnly(known, member, raw),
    }),
  )
  const pathMode = fc.tuple(fuzzString, pairs(options.query ?? [])).map(
    ([segment, query]): Probe => ({
      method,
      format,
      auth,
      path: options.path(uriComponent(segment)) + queryString(query),
      body: options.validBody,
      strings: [...pathStrings(segment), ...query.flat(), ...pathStrings(queryString(query))],
      refuse: false,
    }),
  )
  return fc.oneof({ arbitrary: bodyMode, weight: 3 }, { arbitrary: pathMode, weight: 1 })
}

/** A GET door: fuzzed path segments and query. */
export function getDoor(
  format: ErrorFormat,
  template: (a: string, b: string) => string,
  query: string[] = [],
  auth: Probe['auth'] = 'api',
): fc.Arbitrary<Probe> {
  return fc.tuple(orFuzz('readmission-risk'), orFuzz('1.0.0', 'production'), pairs(query)).map(
    ([a, b, q]): Probe => ({
      method: 'GET',
      format,
      auth,
      path: template(uriComponent(a), uriComponent(b)) + queryString(q),
      strings: [...pathStrings(a, b), ...q.flat(), queryString(q)],
      refuse: false,
    }),
  )
}
