/**
 * Runs detectPhi over the synthetic corpus, prints the evaluation table, misses and throughput.
 * @example
 * // npx tsx scripts/phi-corpus/evaluate.ts [n=600] [seed=7] [--errors]
 */
import { detectPhi } from '../../plugins/phi/index.ts'
import { evaluate, formatReport } from '../../plugins/phi/evaluate.ts'
import { phiCorpus } from './generate.ts'

const n = Number(process.argv[2] ?? 600)
const seed = Number(process.argv[3] ?? 7)
const docs = phiCorpus(n, seed)
const results = docs.map((d) => ({ text: d.text, gold: d.spans, predicted: detectPhi(d.text) }))
console.log(formatReport(evaluate(results)))
if (process.argv.includes('--errors')) {
  for (const r of results) {
    for (const g of r.gold)
      if (!r.predicted.some((p) => p.type === g.type && p.start < g.end && g.start < p.end))
        console.log('MISS', g.type, JSON.stringify(r.text.slice(g.start, g.end)), '|', JSON.stringify(r.text.slice(Math.max(0, g.start - 30), g.end + 20)))
    for (const g of r.gold)
      if (process.argv.includes('--exact') && !r.predicted.some((p) => p.type === g.type && p.start === g.start && p.end === g.end)) {
        const p = r.predicted.find((q) => q.start < g.end && g.start < q.end)
        console.log('INEXACT', g.type, JSON.stringify(r.text.slice(g.start, g.end)), '→', p ? JSON.stringify(r.text.slice(p.start, p.end)) : '-')
      }
    for (const p of r.predicted)
      if (!r.gold.some((g) => p.type === g.type && p.start < g.end && g.start < p.end))
        console.log(
          'FP  ',
          p.type,
          p.detector,
          JSON.stringify(r.text.slice(p.start, p.end)),
          '|',
          JSON.stringify(r.text.slice(Math.max(0, p.start - 30), p.end + 20)),
        )
  }
}
const big = phiCorpus(3000, 99)
  .map((d) => d.text)
  .join('\n')
detectPhi(big.slice(0, 200_000)) // warm-up
const t0 = performance.now()
detectPhi(big)
const ms = performance.now() - t0
console.log(
  `throughput: ${(big.length / 1e6).toFixed(2)} M chars in ${ms.toFixed(0)} ms = ${(big.length / 1e6 / (ms / 1000)).toFixed(1)} MB/s (UTF-16 chars ≈ ` +
    `bytes for ASCII notes)`,
)
