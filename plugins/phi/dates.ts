import type { PhiSpan } from './types.ts'
import { before, span } from './span.ts'

/**
 * Dates (all elements but the year are PHI under Safe Harbor) and ages over 89.
 * Numeric `03/14/2021`, ISO `2021-03-14`, written `March 14, 2021` / `14 Mar 2021`, partial
 * `March 2021` / `3/14` (the latter only after a date cue, so fractions and BP `120/80` stay out).
 * A bare year is never reported. Relative phrases (`two days after admission on 3/14`) are not PHI
 * themselves; their anchor date is found by the rules above.
 * @example
 * detectDates('DOB: 03/14/1950, 92-year-old') // DATE 5–15, AGE 17–19
 */
export function detectDates(text: string): PhiSpan[] {
  const out: PhiSpan[] = []
  let m: RegExpExecArray | null
  NUMERIC.lastIndex = 0
  while ((m = NUMERIC.exec(text))) {
    const a = Number(m[1]); const b = Number(m[3])
    if ((a >= 1 && a <= 12 && b >= 1 && b <= 31) || (b >= 1 && b <= 12 && a >= 1 && a <= 31)) {
      out.push(span(m.index, m.index + m[0].length, 'DATE', 0.9, 'pattern:date-numeric'))
    }
  }
  ISO.lastIndex = 0
  while ((m = ISO.exec(text))) {
    const mo = Number(m[2]); const d = m[3] === undefined ? 1 : Number(m[3])
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) out.push(span(m.index, m.index + m[0].length, 'DATE', 0.9, 'pattern:date-iso'))
  }
  WRITTEN.lastIndex = 0
  while ((m = WRITTEN.exec(text))) {
    // The optional dot belongs to abbreviations ("Mar."), not to a full month ending a sentence.
    const len = /(?:uary|ch|il|May|June|July|ust|ber)\.$/.test(m[0]) ? m[0].length - 1 : m[0].length
    out.push(span(m.index, m.index + len, 'DATE', 0.88, 'pattern:date-written'))
  }
  MONTH_YEAR.lastIndex = 0
  while ((m = MONTH_YEAR.exec(text))) out.push(span(m.index, m.index + m[0].length, 'DATE', 0.8, 'pattern:date-month-year'))
  PARTIAL.lastIndex = 0
  while ((m = PARTIAL.exec(text))) {
    const mo = Number(m[1]); const d = Number(m[2])
    if (mo < 1 || mo > 12 || d < 1 || d > 31) continue
    if (!DATE_CUE.test(before(text, m.index, 16))) continue
    out.push(span(m.index, m.index + m[0].length, 'DATE', 0.75, 'context:date-partial'))
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

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`
const NUMERIC = /(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)/g
const ISO = /(?<![\d-])(\d{4})-(\d{2})(?:-(\d{2}))(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?(?![\d-])/g
const WRITTEN = new RegExp(
  String.raw`\b(?:${MONTH}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?(?!\d)` + // March 14, 2021 / March 14
  String.raw`|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+${MONTH}\.?(?:,?\s+\d{4})?(?!\d)` + // 14 Mar 2021 / 14th of March
  String.raw`|${MONTH}\.?,?\s+\d{4}(?!\d))`, 'g') // March 2021
/** `12/2021`, `3/2019`: month and a 4-digit year (a month element is PHI). */
const MONTH_YEAR = /(?<![\d/.-])(?:0?[1-9]|1[0-2])\/(?:19|20)\d{2}(?![\d/]|\.\d)/g
const PARTIAL = /(?<![\d/.])(\d{1,2})\/(\d{1,2})(?![\d/]|\.\d)/g
const DATE_CUE = /\b(?:on|since|from|until|through|thru|to|dated|date|dos|seen|admitted|discharged|started|stopped|by|of|last|next|before|after)\s*:?\s*$/
const AGE = /\b(\d{2,3})[- ]?(?:years?|yrs?|y)[- ]?old\b|\b(?:age|aged|age:)\s*(\d{2,3})\b|\b(\d{2,3})\s*(?:yo|y\/o|y\.o\.|yr old)(?![a-z])/gi
