import { detectPhi } from '../phi/index.ts'
import type { PhiSpan } from '../phi/index.ts'
import type { Detect, DeidOptions } from './types.ts'

/** The caller's detector, else plugins/phi's `detectPhi` with the caller's PHI options. */
export function resolveDetect(options: Pick<DeidOptions, 'detect' | 'phi'>): Detect {
  return options.detect ?? ((text) => detectPhi(text, options.phi))
}

/**
 * Sort spans and drop overlaps (the earlier, then longer, span wins), so replacements never collide.
 * @example
 * normalizeSpans([{ start: 0, end: 4, … }, { start: 2, end: 6, … }], 10) // the first only
 */
export function normalizeSpans(spans: readonly PhiSpan[], length: number): PhiSpan[] {
  const sorted = spans.filter((s) => s.start >= 0 && s.end <= length && s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end)
  const out: PhiSpan[] = []
  let last = 0
  for (const span of sorted) {
    if (span.start < last) continue
    out.push(span)
    last = span.end
  }
  return out
}
