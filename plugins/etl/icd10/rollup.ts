/**
 * Roll a code up the ICD-10-CM hierarchy: category → section → chapter, with the CDC's
 * descriptions. Coarser levels are the usual remedy for sparse codes in a model's features.
 */
import { categoryEntry } from './catalog.ts'
import { normalizeIcd10 } from './normalize.ts'

export interface Icd10Rollup {
  category: string
  categoryDescription: string
  /** The section range, as the CDC writes it: `E08-E13`. */
  section: string
  sectionDescription: string
  /** The chapter number, 1 to 22. */
  chapter: number
  chapterDescription: string
}

/**
 * Category, section and chapter of an ICD-10-CM code, or undefined if it is not valid.
 *
 * @example
 * rollup('E11.9') // { category: 'E11', section: 'E08-E13', chapter: 4, … }
 * rollup('I10')   // { category: 'I10', section: 'I10-I1A', chapter: 9, … }
 */
export function rollup(code: string): Icd10Rollup | undefined {
  const normalized = normalizeIcd10(code)
  const entry = normalized && categoryEntry(normalized.category)
  if (!entry) return undefined
  return {
    category: entry.code,
    categoryDescription: entry.description,
    section: entry.section,
    sectionDescription: entry.sectionDescription,
    chapter: entry.chapter,
    chapterDescription: entry.chapterDescription,
  }
}
