import { seededRandom } from '../../../core/index.ts'
import { summarise, type BootstrapResult, type Metric } from './bootstrap.ts'

/**
 * A seeded percentile-bootstrap CI of `metric(y, b) − metric(y, a)`: each resample draws the same
 * rows for both models, so the interval is of the paired difference (two models scored on the same
 * patients are correlated; two separate CIs would be far too wide). Resamples where the difference
 * is not finite (one class drawn) are skipped and counted.
 * @example pairedBootstrap(y, champion, challenger, auroc, { n: 500, seed: 1 }) // { estimate, lower, upper, … }
 */
export function pairedBootstrap(
  labels: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  metric: Metric,
  { n = 1000, seed = 0, level = 0.95 }: { n?: number; seed?: number; level?: number } = {},
): BootstrapResult {
  const y = Array.from(labels)
  const [sa, sb] = [Array.from(a), Array.from(b)]
  const rng = seededRandom(seed)
  const values: number[] = []
  let skipped = 0
  const [ry, ra, rb] = [new Array<number>(y.length), new Array<number>(y.length), new Array<number>(y.length)]
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < y.length; i++) {
      const k = Math.floor(rng.next() * y.length)
      ry[i] = y[k]!
      ra[i] = sa[k]!
      rb[i] = sb[k]!
    }
    const v = metric(ry, rb) - metric(ry, ra)
    if (Number.isFinite(v)) values.push(v)
    else skipped++
  }
  return summarise(metric(y, sb) - metric(y, sa), values, level, n, skipped)
}
