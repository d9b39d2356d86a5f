/**
 * ICD-10-CM code normalisation.
 *
 * Rules (see docs/icd10.md):
 * - surrounding whitespace is ignored and letters may be any case (`' e11.9 '` is `E11.9`);
 * - the dot is optional, but if present it must follow the third character and be followed by
 *   1 to 4 more characters (`E119`, `E11.9` are fine; `E1.19`, `E11.` are not);
 * - character 1 is a letter, character 2 a digit and character 3 a letter or digit; the one
 *   exception is a category the CDC table lists with a letter second (QA0, new in 2026), so
 *   `QA0` is well formed but `JUNK` is not;
 * - characters 4 to 7 are letters or digits, which covers the placeholder `X` (`T36.0X1A`) and
 *   7th-character extensions (`S72.001A`): at most 7 characters in all;
 * - the 3-character category must exist in the CDC April 2026 table (`parseIcd10` only; the
 *   comorbidity indices match on syntax alone, so WHO ICD-10 codes such as `E14.9` still count).
 *
 * Whether a full code is *billable* (a leaf of the tabular list) is not checked: that needs the
 * CDC's full code file, which is not shipped.
 */
import { categoryEntry } from './catalog.ts'

export interface Icd10Code {
  /** Upper case, no dot: `E119`. */
  code: string
  /** Upper case with the dot after the category when there is more than a category: `E11.9`, `I10`. */
  dotted: string
  /** The 3-character category: `E11`. */
  category: string
}

export type Icd10Problem = 'empty' | 'syntax' | 'unknown-category'

export type Icd10Parsed = ({ valid: true } & Icd10Code) | { valid: false; input: string; reason: Icd10Problem }

const SHAPE = /^([A-Z][0-9A-Z]{2})(?:\.?([0-9A-Z]{1,4}))?$/

/**
 * Syntax only: the normalised form of anything shaped like an ICD-10 code, known category or
 * not. Used by the comorbidity indices, whose published code lists include WHO-only categories.
 *
 * @example
 * icd10Syntax(' f00.1 ') // { code: 'F001', dotted: 'F00.1', category: 'F00' }
 * icd10Syntax('E1.19')   // undefined
 */
export function icd10Syntax(input: string): Icd10Code | undefined {
  if (typeof input !== 'string') return undefined
  const match = SHAPE.exec(input.trim().toUpperCase())
  if (!match) return undefined
  const category = match[1]!
  // A letter in second place only where the CDC uses one (QA0); otherwise words like JUNK would pass.
  if (!/[0-9]/.test(category[1]!) && !categoryEntry(category)) return undefined
  const rest = match[2] ?? ''
  return { code: category + rest, dotted: rest ? `${category}.${rest}` : category, category }
}

/**
 * Normalises and validates one ICD-10-CM code, saying why when it is not valid.
 *
 * @example
 * parseIcd10('s72.001a') // { valid: true, code: 'S72001A', dotted: 'S72.001A', category: 'S72' }
 * parseIcd10('E1.19')    // { valid: false, input: 'E1.19', reason: 'syntax' }
 * parseIcd10('E14.9')    // { valid: false, input: 'E14.9', reason: 'unknown-category' } (WHO-only)
 */
export function parseIcd10(input: string): Icd10Parsed {
  const text = typeof input === 'string' ? input : ''
  if (text.trim() === '') return { valid: false, input: text, reason: 'empty' }
  const shaped = icd10Syntax(text)
  if (!shaped) return { valid: false, input: text, reason: 'syntax' }
  if (!categoryEntry(shaped.category)) return { valid: false, input: text, reason: 'unknown-category' }
  return { valid: true, ...shaped }
}

/**
 * The normalised ICD-10-CM code, or undefined when it is not a valid one (see `parseIcd10` for
 * the reason).
 *
 * @example
 * normalizeIcd10('e11.9') // { code: 'E119', dotted: 'E11.9', category: 'E11' }
 * normalizeIcd10('E11.')  // undefined
 */
export function normalizeIcd10(code: string): Icd10Code | undefined {
  const parsed = parseIcd10(code)
  return parsed.valid ? { code: parsed.code, dotted: parsed.dotted, category: parsed.category } : undefined
}
