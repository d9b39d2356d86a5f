import type { PhiSpan, PhiType } from './types.ts'

/** Gold annotation: a typed span with UTF-16 offsets. */
export interface GoldSpan { start: number; end: number; type: PhiType }
export interface Scores { precision: number; recall: number; f1: number; tp: number; predicted: number; gold: number }
export interface TypeReport { exact: Scores; overlap: Scores; tokenRecall: number }
export interface EvaluationReport { byType: Partial<Record<PhiType | 'ALL', TypeReport>> }

/**
 * Precision/recall/F1 per type with exact and overlap span matching (type must agree), plus
 * token-level recall: the share of whitespace tokens inside gold spans covered by any predicted span.
 * Why both: exact matching punishes boundary choices (`Apt 4B` in or out), overlap is what matters
 * for redaction; token recall shows how much PHI text would leak.
 * @example
 * evaluate([{ text, gold, predicted: detectPhi(text) }]).byType.NAME?.overlap.recall
 */
export function evaluate(docs: { text: string; gold: GoldSpan[]; predicted: PhiSpan[] }[]): EvaluationReport {
  type Acc = { eTpP: number; eTpG: number; oTpP: number; oTpG: number; pred: number; gold: number; tok: number; tokHit: number }
  const acc = new Map<PhiType | 'ALL', Acc>()
  const get = (t: PhiType | 'ALL') => { let a = acc.get(t); if (!a) acc.set(t, a = { eTpP: 0, eTpG: 0, oTpP: 0, oTpG: 0, pred: 0, gold: 0, tok: 0, tokHit: 0 }); return a }
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end
  for (const { text, gold, predicted } of docs) {
    for (const p of predicted) {
      for (const a of [get(p.type), get('ALL')]) {
        a.pred++
        if (gold.some((g) => g.type === p.type && g.start === p.start && g.end === p.end)) a.eTpP++
        if (gold.some((g) => g.type === p.type && overlaps(g, p))) a.oTpP++
      }
    }
    for (const g of gold) {
      const exact = predicted.some((p) => p.type === g.type && p.start === g.start && p.end === g.end)
      const over = predicted.some((p) => p.type === g.type && overlaps(g, p))
      let tok = 0; let hit = 0
      const re = /\S+/g
      const slice = text.slice(g.start, g.end)
      let m: RegExpExecArray | null
      while ((m = re.exec(slice))) {
        tok++
        const t = { start: g.start + m.index, end: g.start + m.index + m[0].length }
        if (predicted.some((p) => p.start <= t.start && p.end >= t.end)) hit++
      }
      for (const a of [get(g.type), get('ALL')]) {
        a.gold++; if (exact) a.eTpG++; if (over) a.oTpG++
        a.tok += tok; a.tokHit += hit
      }
    }
  }
  const scores = (tpP: number, tpG: number, pred: number, gold: number): Scores => {
    const precision = pred ? tpP / pred : 1
    const recall = gold ? tpG / gold : 1
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp: tpG, predicted: pred, gold }
  }
  const byType: EvaluationReport['byType'] = {}
  for (const [t, a] of acc) {
    byType[t] = { exact: scores(a.eTpP, a.eTpG, a.pred, a.gold), overlap: scores(a.oTpP, a.oTpG, a.pred, a.gold), tokenRecall: a.tok ? a.tokHit / a.tok : 1 }
  }
  return { byType }
}

/**
 * Markdown table of a report, rows sorted by type.
 * @example
 * formatReport(evaluate(docs)) // '| type | gold | … |'
 */
export function formatReport(r: EvaluationReport): string {
  const f = (x: number) => x.toFixed(3)
  const rows = Object.entries(r.byType).sort(([a], [b]) => (a === 'ALL' ? 1 : b === 'ALL' ? -1 : a.localeCompare(b)))
  return ['| type | gold | pred | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | token R |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(([t, x]) => `| ${t} | ${x.overlap.gold} | ${x.overlap.predicted} | ${f(x.exact.precision)} | ${f(x.exact.recall)} | ${f(x.exact.f1)} | ${f(x.overlap.precision)} | ${f(x.overlap.recall)} | ${f(x.overlap.f1)} | ${f(x.tokenRecall)} |`)].join('\n')
}
