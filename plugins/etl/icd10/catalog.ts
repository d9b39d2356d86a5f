/**
 * Lookup indices over the generated CDC tables, built once on first use rather than at import,
 * so that importing the package costs nothing until an ICD-10 function is actually called.
 */
import { assignSections } from './sections.ts'
import { CATEGORIES, CHAPTERS, SECTIONS } from './tables/icd10cm-2026.ts'

export interface CategoryEntry {
  code: string
  description: string
  section: string
  sectionDescription: string
  chapter: number
  chapterDescription: string
}

let index: Map<string, CategoryEntry> | undefined

/**
 * The CDC entry for a 3-character category (upper case, no dot), or undefined if the April 2026
 * ICD-10-CM tables do not list it.
 *
 * @example
 * categoryEntry('I10')?.section // 'I10-I1A'
 */
export function categoryEntry(category: string): CategoryEntry | undefined {
  index ??= buildIndex()
  return index.get(category)
}

function buildIndex(): Map<string, CategoryEntry> {
  const assigned = assignSections(
    CATEGORIES.map(([code]) => code),
    SECTIONS.map(([range]) => range),
  )
  const entries = new Map<string, CategoryEntry>()
  CATEGORIES.forEach(([code, description], i) => {
    const section = SECTIONS[assigned[i]!]
    // The build refuses tables where a category has no section, so this cannot happen at run time.
    if (!section) throw new Error(`ICD-10-CM tables: category ${code} has no section`)
    const [range, chapter, sectionDescription] = section
    entries.set(code, { code, description, section: range, sectionDescription, chapter, chapterDescription: CHAPTERS[chapter - 1] ?? '' })
  })
  return entries
}
