/**
 * PHI detection on real-style text nobody here wrote: the 388 ICU nursing notes of
 * `../shared/data/deid-dev/` (PhysioNet deid gold standard, PHI replaced by surrogates; GPL-2.0,
 * read here, never copied into the project). `NEXORA_PHI_CORPUS` points at another corpus in the
 * same JSONL format (a hospital's own annotated notes). Skipped when neither is present.
 * Both modes, per type group, with the most frequent misses and false positives; the baseline is a
 * plain scan of the same text (lower-casing it and splitting on whitespace) in the same run.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseCorpus } from '../bin/commands/phi.ts'
import { detectPhi, evaluateCorpus, type CorpusEvaluation, type PhiMode } from '../plugins/phi/index.ts'

const DEID_DEV = fileURLToPath(new URL('../../shared/data/deid-dev/nursing-notes-dev.jsonl', import.meta.url))
const TARGETS = { recall: 0.97, precision: 0.85, falsePositivesPerPhiFreeDocument: 0.1 }

export async function phiReal() {
  const path = process.env.NEXORA_PHI_CORPUS ?? DEID_DEV
  if (!existsSync(path)) return { skipped: `no corpus at ${path}` }
  const docs = parseCorpus(readFileSync(path, 'utf8'))
  const bytes = docs.reduce((n, d) => n + new TextEncoder().encode(d.text).length, 0)
  const round = (x: number | undefined) => Number((x ?? 0).toFixed(3))
  const modes: Record<string, unknown> = {}
  for (const mode of ['recall', 'precision'] as PhiMode[]) {
    const r = evaluateCorpus(docs, (text) => detectPhi(text, { mode }), { top: 10 })
    const any = r.byType.ANY!.overlap
    modes[mode] = {
      overlapRecall: round(any.recall),
      overlapPrecision: round(any.precision),
      falsePositivesPerPhiFreeDocument: round(r.falsePositivesPerPhiFreeDocument),
      meetsTargets:
        mode === 'recall'
          ? any.recall >= TARGETS.recall && any.precision >= TARGETS.precision && r.falsePositivesPerPhiFreeDocument <= TARGETS.falsePositivesPerPhiFreeDocument
          : undefined,
      byType: byType(r, round),
      misses: r.misses.map((f) => `${f.count}× ${f.type} ${f.text}`),
      falsePositives: r.falsePositives.map((f) => `${f.count}× ${f.type} ${f.text}`),
    }
  }
  const time = (fn: (text: string) => unknown) => {
    const t = performance.now()
    for (const d of docs) fn(d.text)
    return (performance.now() - t) / 1000
  }
  const baseline = time((text) => text.toLowerCase().split(/\s+/).length)
  const detection = time((text) => detectPhi(text))
  return {
    corpus: path === DEID_DEV ? 'deid-dev (388 ICU nursing notes)' : 'NEXORA_PHI_CORPUS',
    documents: docs.length,
    phiFreeDocuments: docs.filter((d) => d.spans.length === 0).length,
    targets: TARGETS,
    ...modes,
    detectionMBps: Number((bytes / 1e6 / detection).toFixed(2)),
    baselineScanMBps: Number((bytes / 1e6 / baseline).toFixed(2)),
    ratio: round(baseline / detection),
  }
}

/** Overlap (and exact) precision, recall and F1 per group; typed rows need the type to agree, ANY does not. */
function byType(r: CorpusEvaluation, round: (x: number) => number) {
  return Object.fromEntries(
    Object.entries(r.byType).map(([type, t]) => [
      type,
      {
        gold: t!.overlap.gold,
        predicted: t!.overlap.predicted,
        overlap: { p: round(t!.overlap.precision), r: round(t!.overlap.recall), f1: round(t!.overlap.f1) },
        exact: { p: round(t!.exact.precision), r: round(t!.exact.recall), f1: round(t!.exact.f1) },
      },
    ]),
  )
}
