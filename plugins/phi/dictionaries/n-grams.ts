/** The 2- to 4-character n-grams of a word, with `^` and `$` marking its ends: the name-likeness model's features. */
export function nGrams(word: string): string[] {
  const s = `^${word}$`
  const out: string[] = []
  for (let k = 2; k <= 4; k++) for (let i = 0; i + k <= s.length; i++) out.push(s.slice(i, i + k))
  return out
}
