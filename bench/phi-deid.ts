/**
 * MB/s of clinical-note text on one core: PHI detection alone, and detection plus
 * de-identification (Safe Harbor default operators, keyed pseudonyms and date shifts), over the
 * synthetic annotated corpus. Baseline in the same run: a plain scan of the same text
 * (lower-casing it and counting whitespace), the floor of any text pass.
 */
import { phiCorpus } from '../scripts/phi-corpus/generate.ts'
import { nodeHmac } from '../bin/deid-key.ts'
import { deidentifyText } from '../plugins/deid/index.ts'
import { detectPhi } from '../plugins/phi/index.ts'

export async function phiDeid() {
  const docs = phiCorpus(Number(process.env.BENCH_PHI_DOCS ?? 2000), 11)
  const bytes = docs.reduce((n, d) => n + new TextEncoder().encode(d.text).length, 0)
  const mbps = (seconds: number) => Number((bytes / 1e6 / seconds).toFixed(2))
  // Warm-up on other documents of the same kind: the word lists load and the per-word caches fill
  // once per process (about a second); steady state is what a server sees.
  const warmUp = phiCorpus(500, 12)
  const time = async (fn: (text: string, i: number) => unknown) => {
    for (const d of warmUp) await fn(d.text, 0)
    const t = performance.now()
    for (const [i, d] of docs.entries()) await fn(d.text, i)
    return (performance.now() - t) / 1000
  }
  const baseline = await time((text) => text.toLowerCase().split(/\s+/).length)
  const detection = await time((text) => detectPhi(text))
  const key = 'bench-key-'.repeat(4)
  const both = await time((text, i) => deidentifyText(text, { key, hmac: nodeHmac, patientId: `p${i % 100}` }))
  const bothWebCrypto = await time((text, i) => deidentifyText(text, { key, patientId: `p${i % 100}` }))
  // Real notes run to a few kilobytes; the corpus documents are ~0.5 kB, where per-call costs weigh more.
  // Twice: first on notes the process has never seen (every new word is classified once: a lookup of
  // its misspellings, truncations and name-likeness), then again, as a server sees its everyday
  // vocabulary, with the per-word caches filled.
  const group = (texts: string[]) => {
    const out: string[] = []
    for (let i = 0; i < texts.length; i += 16) out.push(texts.slice(i, i + 16).join('\n\n'))
    return out
  }
  const unseen = group(phiCorpus(docs.length, 13).map((d) => d.text))
  const notes = group(docs.map((d) => d.text))
  const deidNotes = async (texts: string[]) => {
    const start = performance.now()
    for (const [i, text] of texts.entries()) await deidentifyText(text, { key, hmac: nodeHmac, patientId: `p${i % 100}` })
    return (performance.now() - start) / 1000
  }
  const unseenBytes = unseen.reduce((n, t) => n + new TextEncoder().encode(t).length, 0)
  const firstSight = Number((unseenBytes / 1e6 / (await deidNotes(unseen))).toFixed(2))
  const long = await deidNotes(notes)
  return {
    documents: docs.length,
    megabytes: Number((bytes / 1e6).toFixed(2)),
    detectionPlusDeidOn8kBNotesMBps: mbps(long),
    detectionPlusDeidOn8kBNotesFirstSightMBps: firstSight,
    detectionMBps: mbps(detection),
    detectionPlusDeidMBps: mbps(both),
    detectionPlusDeidWebCryptoMBps: mbps(bothWebCrypto),
    baselineScanMBps: mbps(baseline),
    ratio: Number((baseline / both).toFixed(3)),
    target: '≥ 5 MB/s detection + de-identification',
  }
}
