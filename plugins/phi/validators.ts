/**
 * Checksums and structural rules that turn "looks like an id" into "is an id", so patterns can be
 * loose (recall) while validators keep precision.
 */

/**
 * Luhn mod-10 check over the digits of `s` (separators ignored). Payment cards and many account
 * numbers carry it.
 * @example
 * luhnValid('4539 1488 0343 6467') // true
 */
export function luhnValid(s: string): boolean {
  let sum = 0
  let n = 0
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) continue
    let d = c
    if (n++ % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return n >= 12 && sum % 10 === 0
}

/**
 * SSA rules: area not 000, 666 or 900–999; group not 00; serial not 0000.
 * @example
 * ssnValid('123-45-6789') // true; ssnValid('666-12-3456') // false
 */
export function ssnValid(s: string): boolean {
  const d = s.replace(/\D/g, '')
  if (d.length !== 9) return false
  const area = d.slice(0, 3)
  if (area === '000' || area === '666' || area[0] === '9') return false
  return d.slice(3, 5) !== '00' && d.slice(5) !== '0000'
}

/**
 * Dotted quad with every octet 0–255 and no leading zeros (which would be octal-ish version strings).
 * @example
 * ipv4Valid('192.168.1.20') // true; ipv4Valid('300.1.1.1') // false
 */
export function ipv4Valid(s: string): boolean {
  const parts = s.split('.')
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)
}

/**
 * IPv6 in full or `::`-compressed form (hex groups of 1–4). Requires `::` or 8 groups, so clock
 * times like `10:30:45` never pass.
 * @example
 * ipv6Valid('2001:db8::1') // true; ipv6Valid('10:30:45') // false
 */
export function ipv6Valid(s: string): boolean {
  const halves = s.split('::')
  if (halves.length > 2) return false
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')))
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8
}

const VIN_VALUES: Record<string, number> = Object.fromEntries(
  [...'ABCDEFGH']
    .map((c, i) => [c, i + 1] as const)
    .concat(
      [...'JKLMN'].map((c, i) => [c, i + 1] as const),
      [
        ['P', 7],
        ['R', 9],
      ],
      [...'STUVWXYZ'].map((c, i) => [c, i + 2] as const),
    ),
)
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]

/**
 * North-American VIN: 17 chars without I/O/Q, position 9 is the mod-11 check digit (X = 10).
 * @example
 * vinValid('1M8GDM9AXKP042788') // true
 */
export function vinValid(s: string): boolean {
  const v = s.toUpperCase()
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(v)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = v[i] as string
    const val = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : (VIN_VALUES[c] ?? 0)
    sum += val * (VIN_WEIGHTS[i] ?? 0)
  }
  const check = sum % 11
  return v[8] === (check === 10 ? 'X' : String(check))
}

/**
 * ISO 13616 IBAN: country code, two check digits, then the account; mod 97 of the rearranged
 * number is 1. Spaces ignored.
 * @example
 * ibanValid('GB82 WEST 1234 5698 7654 32') // true
 */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const ch of rearranged) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97
  }
  return remainder === 1
}
