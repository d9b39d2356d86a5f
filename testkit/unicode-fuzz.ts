/**
 * Unicode fuzzing kit: fast-check arbitraries for the strings that break UTF-8 stores and
 * naive validators (lone surrogates, NUL and other controls, every plane, noncharacters,
 * combining marks, bidi overrides, very long strings), ways to put them on the wire (a path
 * segment for a string `encodeURIComponent` refuses, Connect JSON over h2c), and the checks
 * every answer must pass: no 5xx, a well-formed error body in the route's own format, and no
 * more than 64 characters of any caller string quoted back.
 */
import http2 from 'node:http2'
import fc from 'fast-check'

const cp = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c))

/** A lone high or low surrogate, or a reversed (low, high) pair: ill-formed UTF-16 all three. */
export const loneSurrogate = fc.oneof(
  cp(0xd800, 0xdbff),
  cp(0xdc00, 0xdfff),
  fc.tuple(cp(0xdc00, 0xdfff), cp(0xd800, 0xdbff)).map(([low, high]) => low + high),
)

/** NUL, the other C0 controls, DEL and the C1 controls. */
const control = fc.oneof(fc.constant('\u0000'), cp(0x01, 0x1f), fc.constant('\u007f'), cp(0x80, 0x9f))

/** One code point from each plane that has any: BMP (outside the surrogates), SMP with its emoji, SIP, TIP, SSP and both private-use planes. */
const planes = fc.oneof(
  cp(0x20, 0xd7ff),
  cp(0xe000, 0xfffd),
  cp(0x10000, 0x1fffd),
  cp(0x1f300, 0x1faff),
  cp(0x20000, 0x2fffd),
  cp(0x30000, 0x3fffd),
  cp(0xe0000, 0xe01ef),
  cp(0xf0000, 0xffffd),
  cp(0x100000, 0x10fffd),
)

/** Noncharacters and plane-edge code points, U+10FFFF and the SSP's language tag among them. */
const nonCharacter = fc.constantFrom('\ufffe', '\uffff', '\ufdd0', '\ufdef', '\u{1fffe}', '\u{1ffff}', '\u{10fffe}', '\u{10ffff}', '\u{e0001}', '\u{e007f}')

const combining = fc.oneof(cp(0x300, 0x36f), cp(0x1ab0, 0x1aff), cp(0x20d0, 0x20ff), fc.constant('\u{1f469}\u200d\u{1f4bb}'))

/** Bidi overrides and isolates, invisible joiners, BOM and the Unicode line separators. */
const invisible = fc.constantFrom(
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\u2029',
)

/** What parsers, routers and templates treat specially. */
const syntax = fc.constantFrom(
  '"',
  '\\',
  '/',
  '%',
  '%00',
  '%ED%A0%80',
  '..',
  '?',
  '#',
  '&',
  '=',
  '{',
  '}',
  '[',
  ']',
  ':',
  '.',
  ',',
  ' ',
  '\t',
  '<script>',
  "'",
  '${x}',
  '{{context.patientId}}',
  '\\ud800',
  'Patient/',
)

const hostile = [
  { arbitrary: control, weight: 2 },
  { arbitrary: planes, weight: 3 },
  { arbitrary: nonCharacter, weight: 1 },
  { arbitrary: combining, weight: 1 },
  { arbitrary: invisible, weight: 1 },
  { arbitrary: syntax, weight: 2 },
]
const ascii = { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), weight: 6 }

/** One unit of a fuzz string: mostly ASCII, often something hostile, a lone surrogate among them. */
export const unicodeUnit = fc.oneof(ascii, { arbitrary: loneSurrogate, weight: 3 }, ...hostile)
/** The same without lone surrogates: strings of these are well-formed, and get past the front doors' check to the code behind. */
export const wellFormedUnit = fc.oneof(ascii, ...hostile)

/**
 * A caller string: usually short, sometimes past the 64 characters an error may quote, now and
 * then thousands long. Two in three are well-formed (NUL, controls and every plane still in
 * them), so requests reach the pipeline and the audit trail as well as the unicode check.
 */
export const fuzzString = fc.oneof(
  { arbitrary: fc.string({ unit: wellFormedUnit, maxLength: 24 }), weight: 8 },
  { arbitrary: fc.string({ unit: unicodeUnit, maxLength: 24 }), weight: 4 },
  { arbitrary: fc.string({ unit: unicodeUnit, minLength: 40, maxLength: 200 }), weight: 2 },
  {
    arbitrary: fc.tuple(fc.string({ unit: unicodeUnit, minLength: 1, maxLength: 12 }), fc.integer({ min: 20, max: 300 })).map(([chunk, n]) => chunk.repeat(n)),
    weight: 1,
  },
)

/** Sometimes one of `valid` (so requests reach past validation), mostly a fuzz string. */
export const orFuzz = (...valid: string[]) => fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 1 }, { arbitrary: fuzzString, weight: 2 })

/** A place in a JSON value: keys and indexes; a last `*` means a new member named by the fuzz string. */
export type Place = readonly (string | number)[]

/**
 * A valid value with one to three of its places set to fuzz strings: the request is right but
 * for those, so it reaches as deep as they let it (the pipeline, the audit trail, the model).
 */
export function mutated<T>(valid: T, places: Place[]): fc.Arbitrary<T> {
  return fc.array(fc.tuple(fc.constantFrom(...places), fuzzString), { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(valid) as Record<string | number, unknown>
    for (const [place, text] of edits) {
      let at = copy
      for (const key of place.slice(0, -1)) at = at[key] as Record<string | number, unknown>
      const last = place[place.length - 1]!
      at[last === '*' ? text : last] = text
    }
    return copy as T
  })
}

const hex = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`

/**
 * A path segment or query component. `encodeURIComponent` throws on a lone surrogate, so those
 * go as their WTF-8 bytes (`%ED%A0%80` for U+D800), which no UTF-8 decoder accepts.
 */
export function uriComponent(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text)
  let out = ''
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    out += c >= 0xd800 && c <= 0xdfff ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map(hex).join('') : encodeURIComponent(ch)
  }
  return out
}

/** Text as WTF-8: UTF-8, except that a lone surrogate is written as the 3 bytes UTF-8 would give its code point (ED A0 80 for U+D800). */
export function wtf8(text: string): Uint8Array {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    const next = text.charCodeAt(i + 1)
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
      i++
    }
    if (c < 0x80) bytes.push(c)
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f))
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f))
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f))
  }
  return new Uint8Array(bytes)
}

/** JSON text with its lone-surrogate escapes (`\ud800`) written as raw WTF-8 bytes instead: what a sloppy UTF-8 encoder sends. */
export const wtf8Json = (json: string) =>
  wtf8(json.replace(/(?<!\\)((?:\\\\)*)\\u(d[89a-f][0-9a-f]{2})/gi, (_, slashes: string, hex: string) => slashes + String.fromCharCode(parseInt(hex, 16))))

/** `?k=v&…` from pairs, each side a uriComponent; empty when there are none. */
export const queryString = (pairs: [string, string][]) => (pairs.length ? `?${pairs.map(([k, v]) => `${uriComponent(k)}=${uriComponent(v)}`).join('&')}` : '')

/** Latin-1 junk a header value may carry (a ByteString: no NUL, CR or LF; HTTP trims the ends). */
export const headerJunk = fc.string({ unit: fc.oneof(cp(0x21, 0x7e), cp(0xa0, 0xff), fc.constantFrom(' ', '\t')), minLength: 1, maxLength: 200 })

/** Every string and object key in a JSON-ish value. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  const stack = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v === 'string') out.push(v)
    else if (Array.isArray(v)) stack.push(...v)
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.push(k)
        stack.push(x)
      }
  }
  return out
}

/** What an answer looked like on the wire. */
export interface Answer {
  status: number
  headers: Headers
  text: string
}

/** The error formats of Nexora's front doors. */
export type ErrorFormat = 'problem' | 'fhir' | 'cds' | 'oip' | 'connect'

const CONNECT_CODES = new Set([
  'canceled',
  'unknown',
  'invalid_argument',
  'deadline_exceeded',
  'not_found',
  'already_exists',
  'permission_denied',
  'resource_exhausted',
  'failed_precondition',
  'aborted',
  'out_of_range',
  'unimplemented',
  'internal',
  'unavailable',
  'data_loss',
  'unauthenticated',
])

/**
 * Check that an error answer is well-formed in `format` and return its Nexora code (a Connect
 * error without Nexora's code trailer gives `connect:<code>`). An unmatched path anywhere is a
 * problem+json `route.not_found` (a `..` segment moves a request off its route), which passes.
 * Throws with what was wrong.
 */
export function errorCode(format: ErrorFormat, answer: Answer): string {
  const type = answer.headers.get('content-type') ?? ''
  let body: any
  try {
    body = JSON.parse(answer.text)
  } catch {
    throw new Error(`${answer.status} answer is not JSON (${type}): ${answer.text.slice(0, 200)}`)
  }
  const fail = (why: string) => new Error(`${answer.status} ${format} error ${why}: ${answer.text.slice(0, 300)}`)
  if (type.startsWith('application/problem+json')) {
    if (typeof body.code !== 'string' || body.status !== answer.status || body.type !== `urn:nexora:problem:${body.code}` || typeof body.title !== 'string')
      throw fail('is not a problem document')
    if (format !== 'problem' && body.code !== 'route.not_found') throw fail('is problem+json on a route with its own format')
    return body.code
  }
  if (format === 'fhir' || format === 'cds') {
    const want = format === 'fhir' ? 'application/fhir+json' : 'application/json'
    const code = body.issue?.[0]?.details?.coding?.[0]?.code
    if (!type.startsWith(want) || body.resourceType !== 'OperationOutcome' || typeof code !== 'string' || typeof body.issue[0].diagnostics !== 'string')
      throw fail('is not an OperationOutcome')
    return code
  }
  if (format === 'oip') {
    const match = typeof body.error === 'string' ? /^\[([\w.]+)\] /.exec(body.error) : null
    if (!type.startsWith('application/json') || !match || Object.keys(body).length !== 1) throw fail('is not an OIP {error}')
    return match[1]!
  }
  if (format === 'connect') {
    if (!type.startsWith('application/json') || !CONNECT_CODES.has(body.code) || (body.message !== undefined && typeof body.message !== 'string'))
      throw fail('is not a Connect error')
    return answer.headers.get('nexora-error-code') ?? `connect:${body.code}`
  }
  throw fail('is problem-less')
}

/** A control-free, well-formed copy, as errors quote a caller's text (core/errors.ts `clean`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const quoted = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').toWellFormed()
const MAX_QUOTE = 64

/**
 * The first caller string the answer quotes more than 64 characters of (any 65 consecutive
 * UTF-16 units, compared after the cleaning errors apply), or undefined.
 */
export function echoOf(answerText: string, callerStrings: Iterable<string>): string | undefined {
  let texts: string[]
  try {
    texts = stringsIn(JSON.parse(answerText))
  } catch {
    texts = [answerText]
  }
  // Each answer string on its own: a quote cannot span two of them.
  const haystacks = texts.map(quoted).filter((t) => t.length > MAX_QUOTE)
  for (const raw of callerStrings) {
    const text = quoted(raw)
    for (let i = 0; i + MAX_QUOTE < text.length; i++) {
      const window = text.slice(i, i + MAX_QUOTE + 1)
      if (haystacks.some((h) => h.includes(window))) return raw
    }
  }
  return undefined
}

/** Connect (or any) POSTs over one h2c session, the way a Connect client on Node talks to the gRPC port. */
export function h2cClient(base: string) {
  const session = http2.connect(base)
  session.on('error', () => {})
  return {
    post(path: string, headers: Record<string, string>, body: string | Uint8Array): Promise<Answer> {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': path, ...headers })
        const chunks: Buffer[] = []
        let head: http2.IncomingHttpHeaders = {}
        stream.on('response', (h) => {
          head = h
        })
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('error', reject)
        stream.on('end', () => {
          const out = new Headers()
          for (const [k, v] of Object.entries(head)) if (!k.startsWith(':') && v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : String(v))
          resolve({ status: Number(head[':status']), headers: out, text: Buffer.concat(chunks).toString('utf8') })
        })
        stream.end(typeof body === 'string' ? body : Buffer.from(body))
      })
    },
    close: () => new Promise<void>((resolve) => (session.closed || session.destroyed ? resolve() : session.close(() => resolve()))),
  }
}

/** The fuzz tests' fixed seed and default runs per property: a failure replays exactly. */
export const SEED = 20_261_206
export const RUNS = 150

/** fast-check's report quotes the whole counterexample: keep a failure readable when it holds a 5,000-character string. */
export async function assertProperty<T>(property: fc.IAsyncProperty<T>, numRuns = RUNS) {
  try {
    await fc.assert(property, { numRuns, seed: SEED, endOnFailure: true })
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(/(Counterexample: .{0,3000})[\s\S]*?(\n\s*Shrunk|\nHint|$)/, '$1…$2')
    throw error
  }
}

/** A value or nothing (the key left out). */
export const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
