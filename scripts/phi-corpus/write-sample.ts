/**
 * Writes the small committed reading sample of the corpus (12 docs, seed 1) to `sample.json`.
 * @example
 * // npx tsx scripts/phi-corpus/write-sample.ts
 */
import { writeFileSync } from 'node:fs'
import { phiCorpus } from './generate.ts'

const sample = phiCorpus(12, 1)
writeFileSync(new URL('./sample.json', import.meta.url), JSON.stringify(sample, null, 2) + '\n')
console.log(`wrote ${sample.length} sample docs`)
