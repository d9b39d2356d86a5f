/**
 * Prefix matching of codes against named code lists, as the comorbidity algorithms specify:
 * a list entry `I25.2` covers `I25.2` and every code beneath it (`I25.20`…), and `I21` covers
 * all of I21. Each code is looked up by its own prefixes (3 characters up to its full length),
 * so the cost per code does not grow with the length of the lists.
 */
import { icd10Syntax } from './normalize.ts'

export interface PrefixMatcher<K extends string> {
  /** The conditions the codes fall in, and how many codes were not ICD-10-shaped. */
  match(codes: Iterable<string>): { found: Set<K>; invalid: number }
}

/**
 * Compiles named lists of dotted or undotted prefixes into a matcher.
 *
 * @example
 * const m = prefixMatcher({ ami: ['I21', 'I22', 'I25.2'] })
 * m.match(['i25.20', 'junk']) // { found: Set { 'ami' }, invalid: 1 }
 */
export function prefixMatcher<K extends string>(lists: Readonly<Record<K, readonly string[]>>): PrefixMatcher<K> {
  const byPrefix = new Map<string, K[]>()
  for (const name of Object.keys(lists) as K[]) {
    for (const entry of lists[name]) {
      const prefix = entry.replace('.', '').toUpperCase()
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), name])
    }
  }
  return {
    match(codes) {
      const found = new Set<K>()
      let invalid = 0
      for (const raw of codes) {
        const code = icd10Syntax(raw)?.code
        if (code === undefined) {
          invalid++
          continue
        }
        for (let length = 3; length <= code.length; length++) {
          for (const name of byPrefix.get(code.slice(0, length)) ?? []) found.add(name)
        }
      }
      return { found, invalid }
    },
  }
}
