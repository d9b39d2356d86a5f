import type { PhiSpan, PhiType } from './types.ts'

/** Small constructor so detectors stay one-liners. @example span(0, 4, 'NAME', 0.9, 'context:title') */
export function span(start: number, end: number, type: PhiType, score: number, detector: string): PhiSpan {
  return { start, end, type, score, detector }
}

/** Lower-cased text of the `n` characters before `at` — context cues are looked up there. */
export function before(text: string, at: number, n: number): string {
  return text.slice(Math.max(0, at - n), at).toLowerCase()
}
