/**
 * Safe Harbor generalisations: ZIP → ZIP3 (000 where the ZIP3 area holds 20,000 people or fewer)
 * and ages over 89 → one "90 or older" bucket.
 */

/** ZIP3 areas under 20,000 people (2000 Census), per the HHS de-identification guidance. */
export const RESTRICTED_ZIP3 = new Set(['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893'])

/**
 * @example
 * zip3('02139-4307') // '021'
 * zip3('03601')      // '000'
 */
export function zip3(zip: string): string | undefined {
  const digits = /^\s*(\d{3})\d{2}(?:-?\d{4})?\s*$/.exec(zip)?.[1]
  if (!digits) return undefined
  return RESTRICTED_ZIP3.has(digits) ? '000' : digits
}

export const OVER_89 = '90 or older'

/**
 * An age span: over 89 becomes "90 or older"; younger ages are not identifiers and stay.
 * @example
 * generalizeAge('93-year-old') // '90 or older'
 */
export function generalizeAge(age: string): string {
  const n = /\d+/.exec(age)?.[0]
  return n !== undefined && +n > 89 ? OVER_89 : age
}
