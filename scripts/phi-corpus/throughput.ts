/**
 * Per-detector throughput (best of 5) over a 3,000-document corpus concatenated (~1.5 M chars, one core).
 * Reports only; timing is never asserted in tests.
 * @example
 * // npx tsx scripts/phi-corpus/throughput.ts
 */
import { phiCorpus } from './generate.ts'
import { detectPatterns } from '../../plugins/phi/patterns.ts'
import { detectDates } from '../../plugins/phi/dates.ts'
import { detectNames } from '../../plugins/phi/names.ts'
import { detectLocations } from '../../plugins/phi/locations.ts'
import { detectPhi } from '../../plugins/phi/index.ts'
const big = phiCorpus(3000, 99)
  .map((d) => d.text)
  .join('\n')
for (const [n, f] of [
  ['patterns', detectPatterns],
  ['dates', detectDates],
  ['names', detectNames],
  ['locations', detectLocations],
  ['all', detectPhi],
] as const) {
  // Best of 5 after a warm-up: other processes share the cores, the minimum is the least disturbed run.
  f(big.slice(0, 100000))
  let ms = Infinity
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    f(big)
    ms = Math.min(ms, performance.now() - t0)
  }
  console.log(n, ms.toFixed(0), 'ms', (big.length / 1e6 / (ms / 1000)).toFixed(1), 'MB/s')
}
