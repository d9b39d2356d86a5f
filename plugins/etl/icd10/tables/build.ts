/**
 * Regenerates `icd10cm-2026.ts` from the CDC CSV tables in this folder:
 *
 *   node --import tsx plugins/etl/icd10/tables/build.ts
 *
 * Build-time only (it reads files); the library itself never touches the file system, so it
 * runs in browsers and Workers. Output is deterministic: same CSVs, same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { generateModule } from './generate.ts'

export const RELEASE = 'April 1, 2026'
const here = (file: string) => new URL(file, import.meta.url)
const read = (file: string) => readFileSync(here(file), 'utf8')

/**
 * The CSV tables this folder holds, read as text.
 *
 * @example
 * generateModule(readTables(), RELEASE) // the text of icd10cm-2026.ts
 */
export function readTables() {
  return {
    chapters: read(`icd10cm-chapters-April-1-2026.csv`),
    sections: read(`icd10cm-sections-April-1-2026.csv`),
    categories: read(`icd10cm-categories-April-1-2026.csv`),
  }
}

// Run as a script (not when a test imports readTables).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = generateModule(readTables(), RELEASE)
  writeFileSync(here('icd10cm-2026.ts'), text)
  console.log(`wrote icd10cm-2026.ts (${text.length} bytes)`)
}
