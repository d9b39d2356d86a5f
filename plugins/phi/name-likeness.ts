import { DEFAULT_LLR, NGRAM_LLR } from './dictionaries/name-likeness-model.ts'
import { nGrams } from './dictionaries/n-grams.ts'

let table: Map<string, number> | undefined
const cache = new Map<string, number>()

/**
 * How much a lower-case word looks like a person's or a place's name rather than an ordinary or
 * clinical word: the mean log-likelihood ratio of its character n-grams under the trained model
 * (dictionaries/name-likeness.build.ts). Above 0 it is more name-like than word-like.
 * @example
 * nameLikeness('okonkwo') > 0 // true
 * nameLikeness('purpousful') > 0 // false: a misspelt word
 */
export function nameLikeness(word: string): number {
  const hit = cache.get(word)
  if (hit !== undefined) return hit
  if (!table) {
    table = new Map()
    const parts = NGRAM_LLR.split(' ')
    for (let i = 0; i + 1 < parts.length; i += 2) table.set(parts[i]!, Number(parts[i + 1]))
  }
  const grams = nGrams(word)
  let sum = 0
  for (const g of grams) sum += table.get(g) ?? DEFAULT_LLR
  if (cache.size >= 50_000) cache.clear()
  cache.set(word, sum / grams.length)
  return sum / grams.length
}
