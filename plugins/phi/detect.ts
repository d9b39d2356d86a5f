import type { PhiOptions, PhiSpan } from './types.ts'
import { detectPatterns } from './patterns.ts'
import { detectDates } from './dates.ts'
import { detectNames } from './names.ts'
import { detectLocations } from './locations.ts'
import { resolveSpans } from './resolve.ts'
import { detectOpenClass } from './open-class.ts'
import { detectInternational } from './international.ts'
import { applyAllowDeny } from './allow-deny.ts'

/**
 * Finds PHI in free text. Offsets are UTF-16 code units into `text` (JavaScript string indices,
 * `end` exclusive), so `text.slice(s.start, s.end)` is the identifier even after emoji, combining
 * marks or CJK. Detectors run independently; overlaps are resolved by {@link resolveSpans}.
 * @example
 * detectPhi('Pt John Smith, DOB 03/14/1950, MRN: 884213')
 * // NAME "John Smith", DATE "03/14/1950", MRN "884213"
 */
export function detectPhi(text: string, options: PhiOptions = {}): PhiSpan[] {
  const mode = options.mode ?? 'recall'
  const threshold = options.threshold ?? (mode === 'recall' ? 0.5 : 0.8)
  const candidates = [
    ...detectPatterns(text),
    ...detectInternational(text),
    ...detectDates(text, mode),
    ...detectLocations(text),
    ...detectNames(text),
    ...detectOpenClass(text),
  ]
  const withLists = applyAllowDeny(text, candidates, options)
  return resolveSpans(
    text,
    withLists.filter((s) => s.score >= threshold),
  )
}
