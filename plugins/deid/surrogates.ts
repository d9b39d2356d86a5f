import type { PhiType } from '../phi/index.ts'
import type { Keyed } from './keyed.ts'

/**
 * Format-preserving surrogates from a keyed digest. Each takes the HMAC of a normalised value, so
 * the same value under the same key always gets the same surrogate, wherever it appears (a name in
 * Patient.name and in a note; an MRN in an identifier and in a note).
 */

// Neutral, common surnames and given names; small on purpose (collisions only blur further).
const NAMES = [
  'Avery',
  'Bailey',
  'Carter',
  'Dalton',
  'Ellis',
  'Finley',
  'Garner',
  'Harper',
  'Iverson',
  'Jensen',
  'Keller',
  'Lowell',
  'Monroe',
  'Nolan',
  'Oakley',
  'Parker',
  'Quinlan',
  'Reyes',
  'Sawyer',
  'Tatum',
  'Underhill',
  'Vance',
  'Whitley',
  'Yardley',
  'Zeller',
  'Ashby',
  'Brennan',
  'Corbin',
  'Darby',
  'Emerson',
  'Fairley',
  'Grayson',
  'Hollis',
  'Ingram',
  'Jordan',
  'Kendall',
  'Linden',
  'Marlow',
  'Norris',
  'Orton',
  'Pryor',
  'Rowan',
  'Sutton',
  'Thayer',
  'Upton',
  'Varga',
  'Winslow',
  'Yates',
  'Ainsley',
  'Blake',
  'Callan',
  'Delaney',
  'Easton',
  'Fenwick',
  'Gentry',
  'Hadley',
  'Kirby',
  'Lennox',
  'Merritt',
  'Presley',
]
const PLACES = ['Riverton', 'Maplewood', 'Fairview', 'Lakeside', 'Brookfield', 'Oakridge', 'Hillcrest', 'Glendale', 'Westfield', 'Ashford']
const STREETS = ['Elm', 'Cedar', 'Birch', 'Willow', 'Spruce', 'Chestnut', 'Hawthorn', 'Juniper', 'Laurel', 'Poplar']
// Titles stay as written: they are not identifying and keep the text readable.
const TITLES = new Set(['dr', 'mr', 'mrs', 'ms', 'miss', 'mx', 'prof', 'sr', 'jr', 'ii', 'iii', 'iv', 'md', 'rn', 'np', 'pa', 'do', 'phd'])

const u32 = (d: Uint8Array, at = 0) => ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
export const hex = (d: Uint8Array, bytes = d.length) => {
  let s = ''
  for (let i = 0; i < bytes; i++) s += HEX[d[i]!]
  return s
}

/** Copy the case pattern of `like` onto `word` (JOHN → AVERY, john → avery, John → Avery). */
function withCase(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase()
  if (like === like.toLowerCase()) return word.toLowerCase()
  return word
}

/** One name token → a surrogate token; initials stay initials. */
function nameToken(keyed: Keyed, token: string): string {
  const lower = token.toLowerCase()
  if (TITLES.has(lower.replace(/\.$/, ''))) return token
  const d = keyed.digest(`name\0${lower}`)
  if (token.length === 1 || /^\p{L}\.$/u.test(token)) return withCase(String.fromCharCode(65 + (d[0]! % 26)), token[0]!) + token.slice(1)
  const at = u32(d) % NAMES.length
  // Never hand a name back as its own surrogate: take the next one in the list.
  const pick = NAMES[at]!.toLowerCase() === lower ? NAMES[(at + 1) % NAMES.length]! : NAMES[at]!
  return withCase(pick, token)
}

/** A name of any length, token by token, separators kept: "Smith, John A." → "Keller, Avery Q.". */
export function surrogateName(keyed: Keyed, name: string): string {
  return name.replace(/[\p{L}\p{M}'’-]+\.?/gu, (token) => nameToken(keyed, token))
}

/** Same length, digits for digits, letters for letters (case kept), separators kept. */
export function surrogateId(keyed: Keyed, value: string, type: PhiType = 'ID'): string {
  const d = keyed.digest(`id\0${value.trim()}`)
  let i = 0
  let out = ''
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k)
    const b = (d[i % 32]! + Math.floor(i / 32) * 131) & 0xff
    if (c >= 48 && c <= 57) out += String.fromCharCode(48 + (b % 10))
    else if (c >= 65 && c <= 90) out += String.fromCharCode(65 + (b % 26))
    else if (c >= 97 && c <= 122) out += String.fromCharCode(97 + (b % 26))
    else {
      out += value[k]
      continue
    }
    i++
  }
  // SSN area numbers 900–999 are never issued, so a surrogate SSN cannot be a real person's.
  if (type === 'SSN') out = out.replace(/[0-9]/, '9')
  return out
}

export const surrogateEmail = (keyed: Keyed, v: string) => `user-${hex(keyed.digest(`email\0${v.trim().toLowerCase()}`), 4)}@example.org`
export const surrogateUrl = (keyed: Keyed, v: string) => `https://example.org/${hex(keyed.digest(`url\0${v.trim()}`), 4)}`

/** IPs map into the documentation ranges (RFC 5737, RFC 3849), which route nowhere. */
export function surrogateIp(keyed: Keyed, v: string): string {
  const d = keyed.digest(`ip\0${v.trim().toLowerCase()}`)
  return v.includes(':') ? `2001:db8::${hex(d, 2)}:${hex(d.subarray(2), 2)}` : `198.51.100.${d[0]}`
}

export function surrogatePlace(keyed: Keyed, v: string, type: PhiType): string {
  const d = keyed.digest(`place\0${v.trim().toLowerCase()}`)
  if (type !== 'ADDRESS') return PLACES[u32(d) % PLACES.length]!
  return `${100 + (u32(d, 4) % 9900)} ${STREETS[u32(d) % STREETS.length]} Street`
}

/** A FHIR id (`[A-Za-z0-9.-]{1,64}`) for `Type/id`: 20 hex characters, stable per key. */
export const pseudoResourceId = (keyed: Keyed, type: string, id: string) => hex(keyed.digest(`rid\0${type}/${id}`), 10)

/** A version-4-shaped UUID for a `urn:uuid:` fullUrl. */
export function pseudoUuid(keyed: Keyed, uuid: string): string {
  const h = hex(keyed.digest(`uuid\0${uuid.toLowerCase()}`), 16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
