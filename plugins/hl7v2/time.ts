/**
 * HL7 v2 timestamps (DTM, and TS's first component: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`)
 * as FHIR `date` / `dateTime`, at the precision the sender gave and never finer. FHIR needs a time
 * zone with any time, and allows zero-filled seconds only: a time without a zone (or the sender's
 * default zone) and an hour without minutes are cut back to the date rather than invented.
 */
import { invalid } from './message.ts'

const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/
export const ZONE = /^[+-]\d{4}$/

interface Parts {
  date: string
  hour?: string
  minute?: string
  second?: string
  fraction?: string
  zone?: string
}

function parse(value: string, path: string): Parts {
  const m = DTM.exec(value)
  if (!m) throw invalid(path, 'not an HL7 timestamp')
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const month = mo === undefined ? undefined : Number(mo)
  const day = d === undefined ? undefined : Number(d)
  const days = month === undefined ? 31 : new Date(Date.UTC(Number(y), month, 0)).getUTCDate()
  const bad =
    (month !== undefined && (month < 1 || month > 12)) ||
    (day !== undefined && (day < 1 || day > days)) ||
    (h !== undefined && Number(h) > 23) ||
    (mi !== undefined && Number(mi) > 59) ||
    (s !== undefined && Number(s) > 60) ||
    (zone !== undefined && !validZone(zone))
  if (bad) throw invalid(path, 'timestamp out of range')
  const date = [y, mo, d].filter((p) => p !== undefined).join('-')
  return { date, hour: h, minute: mi, second: s, fraction: frac, zone }
}

const validZone = (zone: string) => Number(zone.slice(1, 3)) <= 14 && Number(zone.slice(3, 5)) <= 59

/** `+0100` → `+01:00`. */
const fhirZone = (zone: string) => `${zone.slice(0, 3)}:${zone.slice(3)}`

/**
 * A FHIR dateTime, or undefined for an empty value. `defaultZone` (`+HHMM`) stands for the sender's
 * local zone when the value carries none (HL7: "the time zone of the sender").
 * @throws `hl7.invalid_value` naming `path` when the value is not a valid HL7 timestamp
 */
export function toFhirDateTime(value: string, path: string, defaultZone?: string): string | undefined {
  if (!value) return undefined
  const p = parse(value, path)
  const zone = p.zone ?? defaultZone
  if (p.hour === undefined || p.minute === undefined || zone === undefined) return p.date
  const fraction = p.fraction ? `.${p.fraction}` : ''
  return `${p.date}T${p.hour}:${p.minute}:${p.second ?? '00'}${fraction}${fhirZone(zone)}`
}

/** A FHIR date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): the calendar date as the sender wrote it, any time dropped. */
export function toFhirDate(value: string, path: string): string | undefined {
  return value ? parse(value, path).date : undefined
}

/** True when the value carries a time of day (hours and minutes), which a FHIR `date` cannot hold. */
export const hasTime = (value: string): boolean => (DTM.exec(value)?.[5] ?? '') !== ''
