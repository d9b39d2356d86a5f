/**
 * ADWIN — ADaptive WINdowing (Bifet & Gavaldà 2007), exponential-histogram version as in
 * scikit-multiflow / river: the window is kept as buckets of 2^i items (at most `maxBuckets`
 * per size), every `clock` updates each bucket boundary is tried as a cut between an older
 * sub-window W0 and a newer W1, and the oldest bucket is dropped while
 * |μ0 − μ1| > ε_cut = √(2·m·σ²·δ') + (2/3)·δ'·m, with δ' = ln(2·ln|W| / δ) and
 * m = 1/(n0 − minWindow + 1) + 1/(n1 − minWindow + 1)  (river's Bernstein-style bound).
 *
 * @example
 * const adwin = new Adwin()
 * for (const x of stream) if (adwin.update(x)) console.log('drift; window now', adwin.width)
 */
export interface AdwinOptions {
  /** Confidence δ (default 0.002). Smaller: fewer false alarms, longer delay. */
  delta?: number
  /** Check for cuts every `clock` updates (default 32): detection is O(log W) per check. */
  clock?: number
  /** Buckets kept per size before merging (default 5). */
  maxBuckets?: number
  /** Minimum length of each sub-window at a cut (default 5). */
  minWindowLength?: number
  /** No checks until the window holds more than this (default 10). */
  gracePeriod?: number
}

interface Bucket {
  total: number
  /** Sum of squared deviations from the bucket mean. */
  variance: number
}

export class Adwin {
  readonly delta: number
  private readonly clock: number
  private readonly maxBuckets: number
  private readonly minWindowLength: number
  private readonly gracePeriod: number
  /** levels[i] holds buckets of 2^i items, oldest first. */
  private levels: Bucket[][] = []
  private tick = 0
  width = 0
  total = 0
  /** Sum of squared deviations over the window. */
  private variance = 0
  driftDetected = false

  constructor(options: AdwinOptions = {}) {
    this.delta = options.delta ?? 0.002
    this.clock = options.clock ?? 32
    this.maxBuckets = options.maxBuckets ?? 5
    this.minWindowLength = options.minWindowLength ?? 5
    this.gracePeriod = options.gracePeriod ?? 10
  }

  /** Mean of the current window. */
  get estimation(): number {
    return this.width === 0 ? 0 : this.total / this.width
  }

  reset(): void {
    this.levels = []
    this.tick = 0
    this.width = 0
    this.total = 0
    this.variance = 0
    this.driftDetected = false
  }

  /** Add one value; returns (and sets `driftDetected`) whether a cut happened on this update. */
  update(x: number): boolean {
    // Welford-style update of the window variance before the width grows.
    if (this.width > 0) this.variance += (this.width * (x - this.total / this.width) ** 2) / (this.width + 1)
    this.width++
    this.total += x
    ;(this.levels[0] ??= []).push({ total: x, variance: 0 })
    this.compress()
    this.tick++
    this.driftDetected = this.tick % this.clock === 0 && this.width > this.gracePeriod ? this.detect() : false
    return this.driftDetected
  }

  /** Merge the two oldest buckets of any over-full size into one of the next size. */
  private compress(): void {
    for (let i = 0; i < this.levels.length; i++) {
      const level = this.levels[i]!
      if (level.length <= this.maxBuckets) break
      const [a, b] = level.splice(0, 2) as [Bucket, Bucket]
      const n = 2 ** i
      const merged = { total: a.total + b.total, variance: a.variance + b.variance + (n * n * (a.total / n - b.total / n) ** 2) / (2 * n) }
      ;(this.levels[i + 1] ??= []).push(merged)
    }
  }

  private deleteOldest(): void {
    const top = this.levels.length - 1
    const level = this.levels[top]!
    const b = level.shift()!
    if (level.length === 0) this.levels.pop()
    const n = 2 ** top
    this.width -= n
    this.total -= b.total
    if (this.width === 0) {
      this.variance = 0
      return
    }
    const u = b.total / n
    this.variance = Math.max(0, this.variance - b.variance - (n * this.width * (u - this.total / this.width) ** 2) / (n + this.width))
  }

  private cutFound(n0: number, n1: number, u0: number, u1: number): boolean {
    const diff = Math.abs(u0 / n0 - u1 / n1)
    const v = this.variance / this.width
    const dd = Math.log((2 * Math.log(this.width)) / this.delta)
    const m = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1)
    return diff > Math.sqrt(2 * m * v * dd) + (2 / 3) * dd * m
  }

  private detect(): boolean {
    let changed = false
    let again = true
    while (again && this.width > this.gracePeriod) {
      again = false
      let n0 = 0
      let u0 = 0
      // Walk boundaries oldest → newest; the newest bucket always stays in W1.
      outer: for (let i = this.levels.length - 1; i >= 0; i--) {
        const level = this.levels[i]!
        for (let k = 0; k < level.length; k++) {
          if (i === 0 && k === level.length - 1) break outer
          n0 += 2 ** i
          u0 += level[k]!.total
          const n1 = this.width - n0
          if (n0 >= this.minWindowLength && n1 >= this.minWindowLength && this.cutFound(n0, n1, u0, this.total - u0)) {
            this.deleteOldest()
            changed = again = true
            break outer
          }
        }
      }
    }
    return changed
  }
}
