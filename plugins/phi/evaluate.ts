import type { PhiType } from './types.ts'

/** An annotated or detected span: UTF-16 offsets, `end` exclusive, a type label. */
export interface LabelledSpan<T extends string = string> {
  start: number
  end: number
  type: T
}
/** Gold annotation: a typed span with UTF-16 offsets. */
export type GoldSpan = LabelledSpan<PhiType>
export interface Scores {
  precision: number
  recall: number
  f1: number
  tp: number
  predicted: number
  gold: number
}
export interface TypeReport {
  exact: Scores
  overlap: Scores
  tokenRecall: number
}
/**
 * Per type, plus `ALL` (every span, type must agree) and `ANY` (overlap whatever the types: what a
 * redaction hides, since a name redacted as a place is still hidden).
 */
export interface EvaluationReport<T extends string = PhiType> {
  byType: Partial<Record<T | 'ALL' | 'ANY', TypeReport>>
}

interface Acc {
  eTpP: number
  eTpG: number
  oTpP: number
  oTpG: number
  pred: number
  gold: number
  tok: number
  tokHit: number
}
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end

/**
 * Precision/recall/F1 per type with exact and overlap span matching (type must agree), plus
 * token-level recall: the share of whitespace tokens inside gold spans covered by any predicted span.
 * Why both: exact matching punishes boundary choices (`Apt 4B` in or out), overlap is what matters
 * for redaction; token recall shows how much PHI text would leak.
 * @example
 * evaluate([{ text, gold, predicted: detectPhi(text) }]).byType.NAME?.overlap.recall
 */
export function evaluate<T extends string = PhiType>(docs: { text: string; gold: LabelledSpan<T>[]; predicted: LabelledSpan<T>[] }[]): EvaluationReport<T> {
  const acc = new Map<string, Acc>()
  const get = (t: string) => {
    let a = acc.get(t)
    if (!a) acc.set(t, (a = { eTpP: 0, eTpG: 0, oTpP: 0, oTpG: 0, pred: 0, gold: 0, tok: 0, tokHit: 0 }))
    return a
  }
  for (const { text, gold, predicted } of docs) {
    for (const p of predicted) {
      for (const a of [get(p.type), get('ALL')]) {
        a.pred++
        if (gold.some((g) => g.type === p.type && g.start === p.start && g.end === p.end)) a.eTpP++
        if (gold.some((g) => g.type === p.type && overlaps(g, p))) a.oTpP++
      }
      const any = get('ANY')
      any.pred++
      if (gold.some((g) => g.start === p.start && g.end === p.end)) any.eTpP++
      if (gold.some((g) => overlaps(g, p))) any.oTpP++
    }
    for (const g of gold) {
      const exact = predicted.some((p) => p.type === g.type && p.start === g.start && p.end === g.end)
      const over = predicted.some((p) => p.type === g.type && overlaps(g, p))
      let tok = 0
      let hit = 0
      const re = /\S+/g
      const slice = text.slice(g.start, g.end)
      let m: RegExpExecArray | null
      while ((m = re.exec(slice))) {
        tok++
        const t = { start: g.start + m.index, end: g.start + m.index + m[0].length }
        if (predicted.some((p) => p.start <= t.start && p.end >= t.end)) hit++
      }
      for (const a of [get(g.type), get('ALL')]) {
        a.gold++
        if (exact) a.eTpG++
        if (over) a.oTpG++
        a.tok += tok
        a.tokHit += hit
      }
      const any = get('ANY')
      any.gold++
      any.tok += tok
      any.tokHit += hit
      if (predicted.some((p) => p.start === g.start && p.end === g.end)) any.eTpG++
      if (predicted.some((p) => overlaps(g, p))) any.oTpG++
    }
  }
  const scores = (tpP: number, tpG: number, pred: number, gold: number): Scores => {
    const precision = pred ? tpP / pred : 1
    const recall = gold ? tpG / gold : 1
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp: tpG, predicted: pred, gold }
  }
  const byType: Record<string, TypeReport> = {}
  for (const [t, a] of acc) {
    byType[t] = { exact: scores(a.eTpP, a.eTpG, a.pred, a.gold), overlap: scores(a.oTpP, a.oTpG, a.pred, a.gold), tokenRecall: a.tok ? a.tokHit / a.tok : 1 }
  }
  return { byType } as EvaluationReport<T>
}

const SUMMARY_ROWS = ['ALL', 'ANY']

/**
 * Markdown table of a report, rows sorted by type, `ALL` and `ANY` last.
 * @example
 * formatReport(evaluate(docs)) // '| type | gold | … |'
 */
export function formatReport(r: EvaluationReport<string>): string {
  const f = (x: number) => x.toFixed(3)
  const rank = (t: string) => SUMMARY_ROWS.indexOf(t)
  const rows = Object.entries(r.byType).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
  return [
    '| type | gold | pred | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | token R |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ([t, x]) =>
        `| ${t} | ${x!.overlap.gold} | ${x!.overlap.predicted} | ${f(x!.exact.precision)} | ${f(x!.exact.recall)} | ${f(x!.exact.f1)} | ` +
        `${f(x!.overlap.precision)} | ${f(x!.overlap.recall)} | ${f(x!.overlap.f1)} | ${f(x!.tokenRecall)} |`,
    ),
  ].join('\n')
}
