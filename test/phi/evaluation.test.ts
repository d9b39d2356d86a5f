import { describe, expect, it } from 'vitest'
import { detectPhi, PHI_TYPES, type PhiType } from '../../plugins/phi/index.ts'
import { evaluate } from '../../plugins/phi/evaluate.ts'
import { phiCorpus } from '../../scripts/phi-corpus/generate.ts'

const docs = phiCorpus(600, 7)
const report = evaluate(docs.map((d) => ({ text: d.text, gold: d.spans, predicted: detectPhi(d.text) })))

describe('evaluation on the synthetic corpus (600 docs, seed 7)', () => {
  it('is large, deterministic and covers every type, with PHI-free notes', () => {
    expect(docs.length).toBeGreaterThanOrEqual(500)
    expect(phiCorpus(5, 7)).toEqual(docs.slice(0, 5))
    const types = new Set(docs.flatMap((d) => d.spans.map((s) => s.type)))
    for (const t of PHI_TYPES) expect(types.has(t), t).toBe(true)
    expect(docs.filter((d) => d.spans.length === 0).length).toBeGreaterThanOrEqual(50)
  })
  it('gold offsets are valid UTF-16 slices', () => {
    for (const d of docs) for (const s of d.spans) expect(d.text.slice(s.start, s.end).trim().length).toBe(s.end - s.start)
  })
  it.each(['NAME', 'DATE', 'PHONE', 'EMAIL', 'SSN', 'MRN', 'ADDRESS', 'ZIP', 'URL', 'IP'] as PhiType[])('%s recall ≥ 0.99 (overlap)', (t) => {
    expect(report.byType[t]?.overlap.recall).toBeGreaterThanOrEqual(0.99)
  })
  it('overall precision ≥ 0.90 (overlap)', () => {
    expect(report.byType.ALL?.overlap.precision).toBeGreaterThanOrEqual(0.9)
  })
  it('no PHI is reported in PHI-free notes', () => {
    const clean = docs.filter((d) => d.spans.length === 0)
    const fp = clean.flatMap((d) => detectPhi(d.text).map((s) => d.text.slice(s.start, s.end)))
    expect(fp).toEqual([])
  })
})
