import type { Keyed } from './keyed.ts'

/**
 * Date shifting and year generalisation that keep the written format. A shift is whole days,
 * derived per patient from the key, so every interval within one patient's record survives.
 */

/** Days to shift a patient's dates: in [-max, -1] ∪ [1, max], never 0 (0 would leak the date). */
export function shiftDays(keyed: Keyed, patientId: string | undefined, max = 365): number {
  const d = keyed.digest(`shift\0${patientId ?? ''}`)
  const v = (((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0) % (2 * max)
  return v < max ? v - max : v - max + 1
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
const MONTH_RE = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'
const MONTH_DAY_YEAR = new RegExp(`^${MONTH_RE}(\\.?)(\\s+)(\\d{1,2})(st|nd|rd|th)?(,?\\s+)(\\d{4})$`, 'i')
const DAY_MONTH_YEAR = new RegExp(`^(\\d{1,2})(st|nd|rd|th)?(\\s+)${MONTH_RE}(\\.?)(,?\\s+)(\\d{4})$`, 'i')
const MONTH_YEAR = new RegExp(`^${MONTH_RE}(\\.?)(,?\\s+)(\\d{4})$`, 'i')
const monthIndex = (name: string) => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().slice(0, 3)))

/** Spell a month as `like` was spelled: full or abbreviated, with its case pattern. */
function monthName(index: number, like: string): string {
  const bare = like.replace(/\.$/, '')
  const abbreviated = bare.length <= 4 && !MONTHS.includes(bare.toLowerCase())
  const word = abbreviated ? MONTHS[index]!.slice(0, 3) : MONTHS[index]!
  const cased = like === like.toUpperCase() ? word.toUpperCase() : like[0] === like[0]!.toUpperCase() ? word[0]!.toUpperCase() + word.slice(1) : word
  return like.endsWith('.') ? `${cased}.` : cased
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

interface Parsed {
  y: number
  m: number
  d: number
  /** Rebuild in the original format from a calendar date. */
  write(y: number, m: number, d: number): string
}

// Each format: a pattern and how to read and rewrite it. US order (M/D/Y) unless the first part > 12.
function parse(value: string): Parsed | undefined {
  let r: RegExpExecArray | null
  if ((r = /^(\d{4})-(\d{2})-(\d{2})(T.*| \d{1,2}:\d{2}.*)?$/.exec(value))) {
    const rest = r[4] ?? ''
    return { y: +r[1]!, m: +r[2]!, d: +r[3]!, write: (y, m, d) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}${rest}` }
  }
  if ((r = /^(\d{4})-(\d{2})$/.exec(value))) return { y: +r[1]!, m: +r[2]!, d: 15, write: (y, m) => `${pad(y, 4)}-${pad(m, 2)}` }
  if ((r = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(value))) {
    const [wm, wd] = [r[2]!.length, r[3]!.length]
    return { y: +r[1]!, m: +r[2]!, d: +r[3]!, write: (y, m, d) => `${y}/${pad(m, wm)}/${pad(d, wd)}` }
  }
  if ((r = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(value))) {
    const [a, sep, b, yr] = [r[1]!, r[2]!, r[3]!, r[4]!]
    const dayFirst = +a > 12 || sep === '.'
    const y = yr.length === 2 ? (+yr > 30 ? 1900 : 2000) + +yr : +yr
    return {
      y,
      m: +(dayFirst ? b : a),
      d: +(dayFirst ? a : b),
      write: (y2, m, d) => {
        const [first, second] = dayFirst ? [pad(d, a.length), pad(m, b.length)] : [pad(m, a.length), pad(d, b.length)]
        return `${first}${sep}${second}${sep}${yr.length === 2 ? pad(y2 % 100, 2) : y2}`
      },
    }
  }
  if ((r = MONTH_DAY_YEAR.exec(value))) {
    const [mon, sp, suffix, sep] = [r[1]! + r[2]!, r[3]!, r[5], r[6]!]
    return { y: +r[7]!, m: monthIndex(r[1]!) + 1, d: +r[4]!, write: (y, m, d) => `${monthName(m - 1, mon)}${sp}${d}${suffix ? ordinal(d) : ''}${sep}${y}` }
  }
  if ((r = DAY_MONTH_YEAR.exec(value))) {
    const [suffix, sp, mon, sep] = [r[2], r[3]!, r[4]! + r[5]!, r[6]!]
    return { y: +r[7]!, m: monthIndex(r[4]!) + 1, d: +r[1]!, write: (y, m, d) => `${d}${suffix ? ordinal(d) : ''}${sp}${monthName(m - 1, mon)}${sep}${y}` }
  }
  if ((r = MONTH_YEAR.exec(value))) {
    const [mon, sep] = [r[1]! + r[2]!, r[3]!]
    return { y: +r[4]!, m: monthIndex(r[1]!) + 1, d: 15, write: (y, m) => `${monthName(m - 1, mon)}${sep}${y}` }
  }
  return undefined
}

const ordinal = (d: number) => (d % 100 >= 11 && d % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][d % 10] ?? 'th'))

const valid = (p: Parsed) => p.m >= 1 && p.m <= 12 && p.d >= 1 && p.d <= 31

/**
 * Shift a written date by `days`, keeping its format; a bare year is left as is (Safe Harbor
 * allows years); anything unreadable comes back `undefined` so the caller replaces it.
 * @example
 * shiftDate('03/14/2021', 10) // '03/24/2021'
 */
export function shiftDate(value: string, days: number): string | undefined {
  const trimmed = value.trim()
  if (/^\d{4}$/.test(trimmed)) return value
  const p = parse(trimmed)
  if (!p || !valid(p)) return undefined
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d) + days * 86_400_000)
  return value.replace(trimmed, p.write(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()))
}

/**
 * The year of a written date, or `undefined` when it has no four-digit year to keep.
 * @example
 * dateToYear('March 3, 2021') // '2021'
 */
export function dateToYear(value: string): string | undefined {
  const p = parse(value.trim())
  if (p) return valid(p) ? String(p.y) : undefined
  return /\b(\d{4})\b/.exec(value)?.[1]
}

/** The calendar year of a written date, if it has one. */
export const yearOf = (value: string): number | undefined => {
  const y = dateToYear(value)
  return y ? +y : undefined
}
