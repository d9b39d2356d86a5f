import { DocBuilder, type CorpusDoc } from './doc-builder.ts'
import { Values } from './values.ts'
import { FILLER, PHI_SENTENCES, type Template } from './templates.ts'

export type { CorpusDoc, GoldSpan } from './doc-builder.ts'

const KINDS = ['progress note', 'discharge summary', 'referral letter', 'lab comment', 'patient message', 'no-phi note'] as const
const HEADERS: Record<(typeof KINDS)[number], string> = {
  'progress note': 'PROGRESS NOTE\nS: ',
  'discharge summary': 'DISCHARGE SUMMARY\nHospital course: ',
  'referral letter': 'Re: referral\nDear colleague,\n',
  'lab comment': 'LAB COMMENT\n',
  'patient message': 'Patient portal message:\n',
  'no-phi note': 'NOTE\n',
}

/**
 * Deterministic synthetic annotated corpus: `n` clinical-style documents with exact gold spans.
 * Every ~6th document has no PHI at all. Same (n, seed) → same corpus.
 * @example
 * const docs = phiCorpus(600, 7) // docs[0].text, docs[0].spans
 */
export function phiCorpus(n: number, seed: number): CorpusDoc[] {
  const v = new Values(seed)
  const docs: CorpusDoc[] = []
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length] as (typeof KINDS)[number]
    const b = new DocBuilder().t(HEADERS[kind])
    const parts: Template[] = []
    for (let k = v.int(3, 6); k > 0; k--) parts.push(v.pick(FILLER))
    if (kind !== 'no-phi note') {
      // Cycle through every PHI template so each type is covered, plus random extras.
      parts.push(PHI_SENTENCES[i % PHI_SENTENCES.length] as Template)
      for (let k = v.int(2, 5); k > 0; k--) parts.push(v.pick(PHI_SENTENCES))
    }
    v.f.helpers.shuffle(parts, { inplace: true })
    parts.forEach((p, k) => {
      if (k) b.t(v.chance(0.3) ? '\n' : ' ')
      p(b, v)
    })
    b.t('\n')
    docs.push(b.doc(`doc-${seed}-${i}`, kind))
  }
  return docs
}
