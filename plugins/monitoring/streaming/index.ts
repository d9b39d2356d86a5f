/**
 * Streaming drift detectors: each takes one value per `update(x)` and raises `driftDetected`.
 * Pure TypeScript, browser-safe.
 *
 * Measured detection delays (change at t = 1000, seeds 1–10; see test/monitoring/streaming-detectors.test.ts):
 * ADWIN δ = 0.002 on Bernoulli 0.2 → 0.6: 55–87 samples; Page–Hinkley δ = 0.1, λ = 50 on a 1σ
 * mean shift: 31–72; DDM defaults on error rate 0.2 → 0.5: 41–389.
 *
 * @example
 * import { Adwin } from 'nexora/plugins/monitoring/streaming'
 * const d = new Adwin(); for (const x of xs) if (d.update(x)) alert()
 */
export { Adwin, type AdwinOptions } from './adwin.ts'
export { PageHinkley, type PageHinkleyOptions } from './page-hinkley.ts'
export { Ddm, type DdmOptions } from './ddm.ts'
