import type { PhiSpan } from './types.ts'
import { before, span } from './span.ts'
import type { PhiMode } from './types.ts'

/**
 * Dates (all elements but the year are PHI under Safe Harbor) and ages over 89.
 * Numeric `03/14/2021`, ISO `2021-03-14`, written `March 14, 2021` / `14 Mar 2021`, partial
 * `March 2021` / `3/14` (the latter only after a date cue, so fractions and BP `120/80` stay out).
 * A bare year is never reported. Relative phrases (`two days after admission on 3/14`) are not PHI
 * themselves; their anchor date is found by the rules above.
 * @example
 * detectDates('DOB: 03/14/1950, 92-year-old') // DATE 5–15, AGE 17–19
 */
export function detectDates(text: string, mode: PhiMode = 'recall'): PhiSpan[] {
  const out: PhiSpan[] = []
  let m: RegExpExecArray | null
  NUMERIC.lastIndex = 0
  while ((m = NUMERIC.exec(text))) {
    const a = Number(m[1])
    const b = Number(m[3])
    if ((a >= 1 && a <= 12 && b >= 1 && b <= 31) || (b >= 1 && b <= 12 && a >= 1 && a <= 31)) {
      out.push(span(m.index, m.index + m[0].length, 'DATE', 0.9, 'pattern:date-numeric'))
    }
  }
  ISO.lastIndex = 0
  while ((m = ISO.exec(text))) {
    const mo = Number(m[2])
    const d = m[3] === undefined ? 1 : Number(m[3])
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) out.push(span(m.index, m.index + m[0].length, 'DATE', 0.9, 'pattern:date-iso'))
  }
  WRITTEN.lastIndex = 0
  while ((m = WRITTEN.exec(text))) {
    // The optional dot belongs to abbreviations ("Mar."), not to a full month ending a sentence.
    const len = /(?:uary|ch|il|May|June|July|ust|ber)\.$/.test(m[0]) ? m[0].length - 1 : m[0].length
    out.push(span(m.index, m.index + len, 'DATE', 0.88, 'pattern:date-written'))
  }
  WRITTEN_ANY_CASE.lastIndex = 0
  // Notes in capitals or lower case write months that way too (`MARCH 14`, `14-mar-2021`).
  while ((m = WRITTEN_ANY_CASE.exec(text))) out.push(span(m.index, m.index + m[0].length, 'DATE', 0.85, 'pattern:date-written'))
  MONTH_YEAR.lastIndex = 0
  while ((m = MONTH_YEAR.exec(text))) out.push(span(m.index, m.index + m[0].length, 'DATE', 0.8, 'pattern:date-month-year'))
  PARTIAL.lastIndex = 0
  while ((m = PARTIAL.exec(text))) {
    const mo = Number(m[1])
    const d = Number(m[2])
    const end = m.index + m[0].length
    // Month and a two-digit year (`AVR 8/88`, `stent 12/82`): the month is PHI.
    if (mo >= 1 && mo <= 12 && d >= 32 && m[2]!.length === 2) {
      out.push(span(m.index, end, 'DATE', 0.8, 'pattern:date-month-yy'))
      continue
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31) continue
    // A month/day is a date in a note (`MI 10/16`), unless its neighbours make it a score, a ratio or a
    // setting (`7/10 pain`, `CP 4/10`, `5/5 strength`, `1/2 NS`, `PS 10/5`, `50% 5/5`), cue word or not.
    if (notADate(text, m.index, end, mo, d)) continue
    if (DATE_CUE.test(before(text, m.index, 16))) out.push(span(m.index, end, 'DATE', 0.8, 'context:date-partial'))
    else if (mode === 'recall') out.push(span(m.index, end, 'DATE', 0.6, 'shape:date-partial'))
  }
  MONTH_WORD.lastIndex = 0
  while ((m = MONTH_WORD.exec(text))) {
    // A month named after `in`, `since`, `last`… (`in sept.`, `last used in may 15`): lower or upper case, as notes write it.
    const at = m.index + m[1]!.length + m[0].slice(m[1]!.length).search(/\S/)
    out.push(span(at, m.index + m[0].length, 'DATE', 0.7, 'context:month'))
  }
  AGE.lastIndex = 0
  while ((m = AGE.exec(text))) {
    const digits = (m[1] ?? m[2] ?? m[3]) as string
    if (Number(digits) < 90 || Number(digits) > 125) continue // ≤ 89 is not PHI
    const at = m.index + m[0].indexOf(digits)
    out.push(span(at, at + digits.length, 'AGE', 0.9, 'pattern:age'))
  }
  return out
}

const MONTH =
  String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?` +
  String.raw`|Dec(?:ember)?)`
const NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)/g
const ISO = /(?<![\d-])(\d{4})-(\d{2})(?:-(\d{2}))(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?(?![\d-])/g
const WRITTEN = new RegExp(
  String.raw`\b(?:${MONTH}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?(?!\d)` + // March 14, 2021 / March 14
    String.raw`|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+${MONTH}\.?(?:,?\s+\d{4})?(?!\d)` + // 14 Mar 2021 / 14th of March
    String.raw`|${MONTH}\.?,?\s+\d{4}(?!\d))`,
  'g',
) // March 2021
/** Full month names (not `may`, a verb) and dashed abbreviations, in any case. */
const FULL_MONTH = '(?:january|february|march|april|june|july|august|september|october|november|december)'
const WRITTEN_ANY_CASE = new RegExp(
  String.raw`\b(?:${FULL_MONTH}\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?(?![\d:/.])|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+${FULL_MONTH}(?:,?\s+\d{4})?` +
    String.raw`|\d{1,2}-(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)-\d{2,4})\b`,
  'gi',
)
/** `12/2021`, `3/2019`: month and a 4-digit year (a month element is PHI). */
const MONTH_YEAR = /(?<![\d/.-])(?:0?[1-9]|1[0-2])\/(?:19|20)\d{2}(?![\d/]|\.\d)/g
const PARTIAL = /(?<![\d/.])(\d{1,2})\/(\d{1,2})(?![\d/]|\.\d)/g
const MONTH_WORD = new RegExp(
  String.raw`\b(in|since|last|early|mid|late|until|till|during|through|thru|by|of|this|next)\s+(?:january|february|march|april|may|june|july|august` +
    String.raw`|september|sept|october|november|december|jan|feb|aug|sep|oct|nov)\b(?:\.?\s+\d{1,2}(?![\d:/.]))?`,
  'gi',
)
/** Words that make a/b a score, ratio, dose or setting rather than a date. */
const NOT_DATE_BEFORE = new RegExp(
  String.raw`\b(?:pain|cp|pressure|ps|psv|peep|cpap|bipap|simv|ac|imv|vent|ventilator|strength|str|grip|grips|motor|mae|rass|gcs|apgar|ratio|i:e|bp` +
    String.raw`|nbp|abp|art|cvp|pap|pas|sbp|map|murmur|grade|gr|x|hr|rr|fio2|spo2|po2|pco2|ph|ie)\s*(?:of|at|to)?\s*:?\s*$`,
  'i',
)
const NOT_DATE_AFTER = new RegExp(
  String.raw`^\s*(?:pain|ns|nss|strength|str|tab|tabs|tablet|dose|doses|scale|thickness|inch|in|teaspoon|tsp|cup|cups|lb|lbs|kg|mg|ml|cc|mmhg|x|times` +
    String.raw`|murmur|sounds?|breaths?|split|%)`,
  'i',
)

/** Context that makes a month/day-shaped pair something else. */
function notADate(text: string, start: number, end: number, mo: number, d: number): boolean {
  const prior = before(text, start, 16)
  // x/10 next to pain words is a pain score (`CP 4/10`, `3-4/10`), and 5/5 a strength or a setting, unless a cue says date.
  if (d === 10 && !STRONG_DATE_CUE.test(prior) && (/-$/.test(prior) || PAIN_WORDS.test(text.slice(Math.max(0, start - 30), end + 20)))) return true
  if (mo === d && mo <= 5 && !STRONG_DATE_CUE.test(prior)) return true
  if (FRACTIONS.has(`${mo}/${d}`) && !STRONG_DATE_CUE.test(prior)) return true
  // After a percentage or a pair of values (`50% 5/5`, `CO/CI 5/3`) it is another value.
  if (/(?:%|\b[A-Za-z]{1,4}\/[A-Za-z]{1,4})\s*$/.test(prior)) return true
  return NOT_DATE_BEFORE.test(prior) || NOT_DATE_AFTER.test(text.slice(end, end + 12))
}
const PAIN_WORDS =
  /\b(?:pain\w*|cp|pressure|discomfort|ache\w*|aching|c\/o|complain\w*|rate[sd]?|rating|scale|sore\w*|hurt\w*|cramp\w*|burning|tender\w*|headache|ha)\b/i
/** Cues that make even a pain-scale-shaped pair a date. */
const STRONG_DATE_CUE = /\b(?:since|dated?|dos|admitted|discharged|until|s\/p|on)\s*:?\s*$/i
const FRACTIONS: ReadonlySet<string> = new Set(['1/2', '1/3', '2/3', '1/4', '3/4', '1/8', '3/8'])
const DATE_CUE = /\b(?:on|since|from|until|through|thru|to|dated|date|dos|seen|admitted|discharged|started|stopped|by|of|last|next|before|after)\s*:?\s*$/i
const AGE = /\b(\d{2,3})[- ]?(?:years?|yrs?|y)[- ]?old\b|\b(?:age|aged|age:)\s*(\d{2,3})\b|\b(\d{2,3})\s*(?:yo|y\/o|y\.o\.|yr old)(?![a-z])/gi
