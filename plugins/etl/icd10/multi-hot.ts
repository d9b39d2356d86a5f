/**
 * Multi-hot encoding of a patient's ICD-10-CM codes against a vocabulary fixed at training time.
 * The vocabulary is built from training codes only, so a code first seen in production has no
 * column: it is ignored and counted, never silently mapped somewhere else.
 */
import { normalizeIcd10 } from './normalize.ts'
import { rollup } from './rollup.ts'

/** How finely codes are told apart: the full code, or one of its roll-up levels. */
export type Icd10Level = 'code' | 'category' | 'section' | 'chapter'

export interface MultiHot {
  /** 0/1 per vocabulary entry, in vocabulary order. */
  vector: number[]
  /** Input codes that set nothing: invalid, or valid but not in the vocabulary. */
  unknown: number
  /** Of those, the ones that are not valid ICD-10-CM codes at all. */
  invalid: number
}

/**
 * The vocabulary key of a code at a level: the dotted code (`E11.9`), the category (`E11`), the
 * section range (`E08-E13`) or the chapter number as text (`4`); undefined if the code is invalid.
 *
 * @example
 * icd10Key('e119', 'code')    // 'E11.9'
 * icd10Key('E11.9', 'section') // 'E08-E13'
 */
export function icd10Key(code: string, level: Icd10Level): string | undefined {
  if (level === 'code') return normalizeIcd10(code)?.dotted
  const up = rollup(code)
  if (!up) return undefined
  return level === 'category' ? up.category : level === 'section' ? up.section : String(up.chapter)
}

/**
 * A sorted, de-duplicated, frozen vocabulary of the keys seen in training codes (invalid codes
 * are left out). Chapters sort by number; everything else by code-unit order, which does not
 * depend on the locale.
 *
 * @example
 * icd10Vocabulary(['I10', 'E11.9', 'E11.65'], 'category') // ['E11', 'I10']
 */
export function icd10Vocabulary(codes: Iterable<string>, level: Icd10Level = 'category'): readonly string[] {
  const keys = new Set<string>()
  for (const code of codes) {
    const key = icd10Key(code, level)
    if (key !== undefined) keys.add(key)
  }
  const order = level === 'chapter' ? (a: string, b: string) => Number(a) - Number(b) : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  return Object.freeze([...keys].sort(order))
}

// Column lookups for frozen vocabularies (those from icd10Vocabulary), which cannot change
// under the cache; any other array is indexed afresh on each call.
const columnsCache = new WeakMap<readonly string[], Map<string, number>>()

function columnsOf(vocabulary: readonly string[]): Map<string, number> {
  const cached = columnsCache.get(vocabulary)
  if (cached) return cached
  const columns = new Map<string, number>()
  vocabulary.forEach((key, i) => {
    if (columns.has(key)) throw new RangeError(`multiHot: vocabulary lists ${JSON.stringify(key)} twice`)
    columns.set(key, i)
  })
  if (Object.isFrozen(vocabulary)) columnsCache.set(vocabulary, columns)
  return columns
}

/**
 * Encodes one patient's codes as 0/1 over the vocabulary, at the level the vocabulary was built
 * with (default `category`, like `icd10Vocabulary`).
 *
 * @example
 * const vocabulary = icd10Vocabulary(trainingCodes, 'category') // ['E11', 'I10', 'J44']
 * multiHot(['E11.9', 'I10', 'J45.909'], vocabulary, { level: 'category' })
 * // { vector: [1, 1, 0], unknown: 1, invalid: 0 }  (J45 is valid but not in the vocabulary)
 */
export function multiHot(codes: Iterable<string>, vocabulary: readonly string[], options: { level?: Icd10Level } = {}): MultiHot {
  const level = options.level ?? 'category'
  const columns = columnsOf(vocabulary)
  const vector = new Array<number>(vocabulary.length).fill(0)
  let unknown = 0
  let invalid = 0
  for (const code of codes) {
    const key = icd10Key(code, level)
    const column = key === undefined ? undefined : columns.get(key)
    if (column === undefined) {
      unknown++
      if (key === undefined) invalid++
    } else vector[column] = 1
  }
  return { vector, unknown, invalid }
}
