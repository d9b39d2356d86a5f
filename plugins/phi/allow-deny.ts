import type { PhiOptions, PhiSpan } from './types.ts'
import { span } from './span.ts'

/**
 * Config lists: `allow` terms (case-insensitive) suppress any candidate lying inside an occurrence
 * of the term (e.g. the hospital's own name); `deny` terms are always reported at score 1.
 * @example
 * applyAllowDeny('Mercy Clinic', spans, { allow: ['Mercy Clinic'] }) // spans inside it removed
 */
export function applyAllowDeny(text: string, spans: PhiSpan[], options: PhiOptions): PhiSpan[] {
  let out = spans
  if (options.allow?.length) {
    const ranges = occurrences(text, options.allow)
    out = out.filter((s) => !ranges.some(([a, b]) => s.start >= a && s.end <= b))
  }
  if (options.deny?.length) {
    for (const d of options.deny) {
      for (const [a, b] of occurrences(text, [d.term])) out = [...out, span(a, b, d.type, 1, 'config:deny')]
    }
  }
  return out
}

/** Whole-word, case-insensitive occurrences of any term. */
function occurrences(text: string, terms: string[]): [number, number][] {
  const res: [number, number][] = []
  const lower = text.toLowerCase()
  for (const t of terms) {
    const needle = t.toLowerCase()
    if (!needle) continue
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
      const pre = at > 0 ? (lower[at - 1] as string) : ' '
      const post = lower[at + needle.length] ?? ' '
      if (!/\w/.test(pre) && !/\w/.test(post)) res.push([at, at + needle.length])
    }
  }
  return res
}
