/**
 * Page–Hinkley test for a change in the mean (Page 1954), as in river/scikit-multiflow:
 * m_t = α·m_{t−1} + (x_t − x̄_t − δ) and alarm when m_t − min m > λ (upward shift;
 * `mode: 'down'` mirrors it, `'both'` watches both). The statistic restarts after an alarm.
 *
 * @example
 * const ph = new PageHinkley({ threshold: 50 })
 * for (const x of stream) if (ph.update(x)) console.log('mean shifted')
 */
export interface PageHinkleyOptions {
  /** Magnitude of change tolerated per sample, δ (default 0.005). */
  delta?: number
  /** Alarm threshold λ (default 50). */
  threshold?: number
  /** Forgetting factor α on the cumulative sum (default 1 − 1e-4). */
  alpha?: number
  /** No alarm before this many samples (default 30). */
  minInstances?: number
  mode?: 'up' | 'down' | 'both'
}

export class PageHinkley {
  private readonly delta: number
  private readonly threshold: number
  private readonly alpha: number
  private readonly minInstances: number
  private readonly mode: 'up' | 'down' | 'both'
  private n = 0
  private mean = 0
  private sumUp = 0
  private minUp = 0
  private sumDown = 0
  private maxDown = 0
  driftDetected = false

  constructor(options: PageHinkleyOptions = {}) {
    this.delta = options.delta ?? 0.005
    this.threshold = options.threshold ?? 50
    this.alpha = options.alpha ?? 1 - 1e-4
    this.minInstances = options.minInstances ?? 30
    this.mode = options.mode ?? 'up'
  }

  reset(): void {
    this.n = 0
    this.mean = 0
    this.sumUp = this.minUp = this.sumDown = this.maxDown = 0
    this.driftDetected = false
  }

  /** Add one value; returns whether this update raised the alarm (state then restarts). */
  update(x: number): boolean {
    this.n++
    this.mean += (x - this.mean) / this.n
    this.sumUp = this.alpha * this.sumUp + (x - this.mean - this.delta)
    this.sumDown = this.alpha * this.sumDown + (x - this.mean + this.delta)
    this.minUp = Math.min(this.minUp, this.sumUp)
    this.maxDown = Math.max(this.maxDown, this.sumDown)
    const up = this.sumUp - this.minUp > this.threshold
    const down = this.maxDown - this.sumDown > this.threshold
    const hit = this.n >= this.minInstances && (this.mode === 'up' ? up : this.mode === 'down' ? down : up || down)
    if (hit) this.reset()
    this.driftDetected = hit
    return hit
  }
}
