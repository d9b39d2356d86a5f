import type { ClinicalEvent } from '../../core/index.ts'

export const PAD = '[PAD]'
export const UNK = '[UNK]'
export const CLS = '[CLS]'
/** Reserved ids: padding, unknown codes, and the CLS token (used only with `pooling: 'cls'`). */
export const PAD_ID = 0
export const UNK_ID = 1
export const CLS_ID = 2

/**
 * The code vocabulary, built from the training sequences: the reserved tokens first, then every
 * code seen at least `minCount` times, most frequent first (ties alphabetical, so it is
 * deterministic). Rarer codes become `[UNK]`, so a new code at scoring time never fails.
 *
 * @example
 * buildVocabulary([[{ code: 'ICD10:I50', time: '2025-01-01' }]], 1) // ['[PAD]', '[UNK]', '[CLS]', 'ICD10:I50']
 */
export function buildVocabulary(sequences: (ClinicalEvent[] | undefined)[], minCount: number): string[] {
  const counts = new Map<string, number>()
  for (const sequence of sequences) for (const e of sequence ?? []) counts.set(e.code, (counts.get(e.code) ?? 0) + 1)
  const kept = [...counts].filter(([code, n]) => n >= minCount && code !== PAD && code !== UNK && code !== CLS)
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return [PAD, UNK, CLS, ...kept.map(([code]) => code)]
}

/** A code → id lookup; unknown codes map to `[UNK]`. */
export function tokenizer(vocabulary: string[]): (code: string) => number {
  const ids = new Map(vocabulary.map((code, i) => [code, i]))
  return (code) => ids.get(code) ?? UNK_ID
}
