import type { PhiSpan, PhiType } from './types.ts'

/** Multi-word types: a single space between two pieces is part of one identifier. */
const MERGE_ACROSS_SPACE: ReadonlySet<PhiType> = new Set(['NAME', 'ADDRESS', 'LOCATION', 'CITY'])

/**
 * Overlap policy: among overlapping candidates the higher score wins, then the longer span, then
 * the earlier one. Afterwards touching spans of the same type merge, and NAME/ADDRESS/LOCATION/CITY
 * pieces separated by one space merge too (`John` + `Smith` → `John Smith`), keeping the higher score.
 * Why: detectors are independent and over-generate; one deterministic policy keeps output stable.
 * @example
 * resolveSpans(text, [{start:0,end:4,type:'NAME',score:.6,detector:'a'},{start:0,end:10,type:'DATE',score:.9,detector:'b'}])
 */
export function resolveSpans(text: string, spans: PhiSpan[]): PhiSpan[] {
  // Resolve within clusters of transitively overlapping spans: O(n log n) overall, tiny clusters.
  const byStart = [...spans].sort((a, b) => a.start - b.start)
  const kept: PhiSpan[] = []
  let cluster: PhiSpan[] = []
  let clusterEnd = -1
  for (const s of byStart) {
    if (s.start >= clusterEnd && cluster.length) {
      kept.push(...resolveCluster(cluster))
      cluster = []
    }
    cluster.push(s)
    clusterEnd = cluster.length === 1 ? s.end : Math.max(clusterEnd, s.end)
  }
  if (cluster.length) kept.push(...resolveCluster(cluster))
  const out: PhiSpan[] = []
  for (const s of kept) {
    const last = out[out.length - 1]
    if (last && last.type === s.type && (s.start === last.end || (MERGE_ACROSS_SPACE.has(s.type) && s.start - last.end === 1 && text[last.end] === ' '))) {
      out[out.length - 1] = { ...last, end: s.end, score: Math.max(last.score, s.score) }
    } else out.push(s)
  }
  return out
}

/** Greedy by rank within one cluster: score desc, length desc, start asc; result sorted by start. */
function resolveCluster(cluster: PhiSpan[]): PhiSpan[] {
  if (cluster.length === 1) return cluster
  const ranked = [...cluster].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start)
  const won: PhiSpan[] = []
  for (const s of ranked) if (!won.some((w) => w.start < s.end && s.start < w.end)) won.push(s)
  return won.sort((a, b) => a.start - b.start)
}
