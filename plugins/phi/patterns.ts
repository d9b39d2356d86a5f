import type { PhiSpan, PhiType } from './types.ts'
import { before, span } from './span.ts'
import { ipv4Valid, ipv6Valid, luhnValid, ssnValid, vinValid } from './validators.ts'

/**
 * Regex detectors with validators: email, URL, IPv4/6, SSN, phone/fax, Luhn account numbers, VIN,
 * and identifiers introduced by a context word (`MRN:`, `Member ID`, `DEA`, `Serial`…).
 * Each regex is global and scanned once over the text.
 * @example
 * detectPatterns('SSN 123-45-6789') // [{ type: 'SSN', … }]
 */
export function detectPatterns(text: string): PhiSpan[] {
  const out: PhiSpan[] = []
  let m: RegExpExecArray | null

  // Emails are anchored on '@': expand around each one instead of trying a regex at every word.
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let a = at
    while (a > 0 && /[A-Za-z0-9._%+-]/.test(text[a - 1] as string)) a--
    EMAIL.lastIndex = a
    const e = EMAIL.exec(text)
    if (e && e.index === a) out.push(span(a, a + e[0].length, 'EMAIL', 0.95, 'pattern:email'))
  }

  URL.lastIndex = 0
  while ((m = URL.exec(text))) {
    const u = m[0].replace(/[.,;:!?)\]]+$/, '') // trailing sentence punctuation is not part of the URL
    out.push(span(m.index, m.index + u.length, 'URL', 0.95, 'pattern:url'))
  }

  IPV4.lastIndex = 0
  while ((m = IPV4.exec(text))) if (ipv4Valid(m[0])) out.push(span(m.index, m.index + m[0].length, 'IP', 0.9, 'pattern:ipv4'))

  // Two colons a few hex digits apart, or no IPv6 address: a quick look spares the full pattern most notes.
  IPV6.lastIndex = 0
  if (IPV6_HINT.test(text)) while ((m = IPV6.exec(text))) if (ipv6Valid(m[0])) out.push(span(m.index, m.index + m[0].length, 'IP', 0.9, 'pattern:ipv6'))

  SSN.lastIndex = 0
  while ((m = SSN.exec(text))) {
    const bare = m[1] === ''
    // Undelimited 9-digit runs are usually other ids; only call them SSNs when the context says so.
    if (ssnValid(m[0]) && (!bare || /ssn|social security|ss#/.test(before(text, m.index, 25)))) {
      out.push(span(m.index, m.index + m[0].length, 'SSN', 0.9, 'pattern:ssn'))
    }
  }

  PHONE.lastIndex = 0
  while ((m = PHONE.exec(text))) {
    const isFax = /\bfax|\bfacsimile|\bf:/.test(before(text, m.index, 20))
    out.push(span(m.index, m.index + m[0].length, isFax ? 'FAX' : 'PHONE', 0.9, isFax ? 'context:fax' : 'pattern:phone'))
  }

  CARD.lastIndex = 0
  while ((m = CARD.exec(text))) if (luhnValid(m[0])) out.push(span(m.index, m.index + m[0].length, 'ACCOUNT', 0.85, 'pattern:luhn'))

  VIN.lastIndex = 0
  while ((m = VIN.exec(text))) if (vinValid(m[0])) out.push(span(m.index, m.index + m[0].length, 'VEHICLE_ID', 0.9, 'pattern:vin'))

  CONTEXT_ID.lastIndex = 0
  while ((m = CONTEXT_ID.exec(text))) {
    const id = m[2] as string
    if (!/\d/.test(id)) continue // ids carry digits; "License: active" does not
    const start = m.index + m[0].length - id.length
    const type = contextType((m[1] as string).toLowerCase())
    out.push(span(start, start + id.length, type, 0.92, `context:${type.toLowerCase()}`))
  }
  return out
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/y
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g
const IPV6_HINT = /:[0-9A-Fa-f]{0,4}:/
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g
const SSN = /(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d-])/g
// Slashes too (`617/555/0142`): notes write numbers every way.
const PHONE = /(?<![\w+/-])(?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s/])\d{3}[-.\s/]\d{4}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?(?![\w-])/gi
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g
const VIN = /\b[A-HJ-NPR-Z0-9]{17}\b/g

const CONTEXT_ID = new RegExp(
  String.raw`\b(MRN|medical record(?: number| no\.?| #)?|chart(?: number| no\.?| #)|acct|account(?: number| no\.?)?|` +
    String.raw`member id|member|policy(?: number| no\.?)?|subscriber id|health plan id|insurance id|beneficiary id|medicaid id|medicare id|` +
    String.raw`vin|license plate|plate|dea(?: number| no\.?| #)?|npi|driver'?s license|license(?: number| no\.?)?|licence|lic\.|` +
    String.raw`serial(?: number| no\.?)?|s/n|device id|udi|implant id|` +
    String.raw`fingerprint id|biometric id|retinal scan id|patient id|record id|case id|ID)` +
    String.raw`\s*(?:#|:|no\.?|number|is)?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{3,24})\b`,
  'gi',
)

function contextType(word: string): PhiType {
  if (/^(?:mrn|medical record|chart)/.test(word)) return 'MRN'
  if (/^(?:acct|account)/.test(word)) return 'ACCOUNT'
  if (/^(?:member|policy|subscriber|health plan|insurance|beneficiary|medicaid|medicare)/.test(word)) return 'HEALTH_PLAN_ID'
  if (/^(?:vin|license plate|plate)/.test(word)) return 'VEHICLE_ID'
  if (/^(?:dea|npi|licen|lic\.|driver)/.test(word)) return 'LICENSE'
  if (/^(?:serial|s\/n|device|udi|implant)/.test(word)) return 'DEVICE_ID'
  if (/^(?:fingerprint|biometric|retinal)/.test(word)) return 'BIOMETRIC_ID'
  return 'ID'
}
