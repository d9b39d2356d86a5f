import type { PhiSpan } from './types.ts'
import { span } from './span.ts'
import { CITIES, STATES, STATE_ABBR, STREET_SUFFIXES } from './dictionaries/places.ts'

// A few suffixes are everyday words too; an address also needs a leading house number, so risk is low.
const SUFFIX_ABBR = [
  'Boulevard',
  'Avenue',
  'Road',
  'Drive',
  'Lane',
  'Court',
  'Place',
  'Parkway',
  'Highway',
  'Terrace',
  'Circle',
  'Square',
  'Trail',
  'Plaza',
  'Row',
  'St',
  'Ave',
  'Av',
  'Blvd',
  'Rd',
  'Dr',
  'Ln',
  'Ct',
  'Pl',
  'Pkwy',
  'Hwy',
  'Ter',
  'Cir',
  'Sq',
  'Trl',
  'Way',
  'Expy',
  'Fwy',
]
const SUFFIXES = [...STREET_SUFFIXES, ...SUFFIX_ABBR, 'Street', 'Way'].sort((a, b) => b.length - a.length)
const STATE_ALT = [...STATES].sort((a, b) => b.length - a.length).join('|') + '|' + STATE_ABBR.join('|')
const CITY_SET: ReadonlySet<string> = new Set(CITIES)
const GENERIC_FACILITY_WORDS = new Set(
  (
    'The A Our Your Their This That Cardiology Oncology Neurology Primary Care Urgent Pain Diabetes Sleep Dermatology Orthopedic Pediatric Surgical Surgery ' +
    "Family Medicine Internal Women Women's Children's Heart Cancer Eye Wound Dialysis Infusion Walk-in Community Free Mental Behavioral Health Specialty " +
    'Outpatient Anticoagulation Lipid Memory Movement Disorders General'
  ).split(' '),
)

const ADDRESS = new RegExp(
  String.raw`\b\d{1,6}[A-Z]?\s+(?:(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?(?:(?:[A-Z][A-Za-z'’.-]*|\d+(?:st|nd|rd|th)) ){1,3}?` +
    String.raw`(?:${SUFFIXES.join('|')})\b\.?` +
    // Streets named without a suffix.
    String.raw`|(?:Broadway|The Strand|Bowery)\b` +
    // With a directional prefix the suffix is optional ("1115 N Main").
    String.raw`|(?:N|S|E|W|NE|NW|SE|SW)\.?\s+[A-Z][a-z]+(?: [A-Z][a-z]+)?(?=,))` +
    String.raw`(?:,?\s+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|#)\s*[A-Za-z0-9-]+)?`,
  'g',
)
const PO_BOX = /\bP\.?\s?O\.?\s+Box\s+\d+/gi
// After ", ST" as in a postal address; the comma keeps "Patient ID 12345" out.
const ZIP_AFTER_STATE = new RegExp(String.raw`,[ \t]*(?:${STATE_ALT}),?[ \t]+(\d{5}(?:-\d{4})?)(?![\d-])`, 'g')
const ZIP_CONTEXT = /\b(?:zip(?:\s*code)?|postal code)\s*:?\s*(\d{5}(?:-\d{4})?)(?![\d-])/gi
const CITY_STATE = new RegExp(String.raw`\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}),\s*(?:${STATE_ALT})\b`, 'g')
const CITY_CONTEXT = new RegExp(
  String.raw`\b(?:lives in|living in|resides in|moved to|moved from|from|in|near|city:?|hometown:?)\s+((?:St\.` +
    String.raw`|[A-Z][A-Za-z'’]+)(?:[ -](?:[A-Z][A-Za-z'’]+|du|de|la|del)){0,3})`,
  'g',
)
const FACILITY = new RegExp(
  String.raw`\b(?:(?:St\.?|Saint|Mount|Mt\.?)\s+)?(?:[A-Z][A-Za-z'’.-]* (?:(?:and|of|for|the|&) )?){1,4}(?:Memorial Hospital|Hospital|Medical Center` +
    String.raw`|Health Center|Health System|Clinic|Infirmary|Nursing Home|Rehabilitation Center|Rehab Center|Urgent Care|Hospice)\b`,
  'g',
)

/**
 * Addresses (house number + street + suffix + unit, PO boxes), ZIP codes after a state or a
 * `ZIP` cue, cities (before `, ST` or after `lives in`/`from` when in the dictionary) and named
 * facilities (`St. Mary's Hospital`) as LOCATION. States are not PHI under Safe Harbor.
 * @example
 * detectLocations('12 Oak Street, Boston, MA 02139') // ADDRESS, CITY, ZIP
 */
export function detectLocations(text: string): PhiSpan[] {
  const out: PhiSpan[] = []
  let m: RegExpExecArray | null
  ADDRESS.lastIndex = 0
  while ((m = ADDRESS.exec(text))) out.push(span(m.index, m.index + m[0].length, 'ADDRESS', 0.9, 'pattern:address'))
  PO_BOX.lastIndex = 0
  while ((m = PO_BOX.exec(text))) out.push(span(m.index, m.index + m[0].length, 'ADDRESS', 0.9, 'pattern:po-box'))
  for (const re of [ZIP_AFTER_STATE, ZIP_CONTEXT]) {
    re.lastIndex = 0
    while ((m = re.exec(text))) {
      const z = m[1] as string
      const at = m.index + m[0].length - z.length
      out.push(span(at, at + z.length, 'ZIP', 0.93, 'context:zip'))
    }
  }
  CITY_STATE.lastIndex = 0
  while ((m = CITY_STATE.exec(text))) {
    const c = m[1] as string
    out.push(span(m.index, m.index + c.length, 'CITY', CITY_SET.has(c) ? 0.88 : 0.75, 'context:city-state'))
  }
  CITY_CONTEXT.lastIndex = 0
  while ((m = CITY_CONTEXT.exec(text))) {
    const c = longestCity(m[1] as string)
    if (!c) continue
    const at = m.index + m[0].length - (m[1] as string).length
    out.push(span(at, at + c.length, 'CITY', 0.86, 'dictionary:city'))
  }
  FACILITY.lastIndex = 0
  while ((m = FACILITY.exec(text))) {
    let s = m.index
    let f = m[0]
    // Drop leading generic words ("The", "Cardiology") so the span is the proper name only.
    while (true) {
      const sp = f.indexOf(' ')
      const w = f.slice(0, sp)
      if (sp < 0 || !GENERIC_FACILITY_WORDS.has(w)) break
      s += sp + 1
      f = f.slice(sp + 1)
    }
    const words = f.split(' ').filter((w) => !/^(?:and|of|for|the|&)$/.test(w))
    if (words.slice(0, -1).every((w) => GENERIC_FACILITY_WORDS.has(w) || /^(?:Medical|Memorial|Health|Nursing|Rehabilitation|Rehab|Urgent)$/.test(w))) continue
    out.push(span(s, s + f.length, 'LOCATION', 0.88, 'pattern:facility'))
  }
  return out
}

/** Longest prefix (1–3 words) of `words` that is a dictionary city. */
function longestCity(words: string): string | undefined {
  const parts = words.split(/(?=[ -])/)
  for (let k = parts.length; k > 0; k--) {
    const c = parts.slice(0, k).join('')
    if (CITY_SET.has(c)) return c
  }
  return undefined
}
