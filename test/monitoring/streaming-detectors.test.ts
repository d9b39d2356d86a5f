import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../core/index.ts'
import { Adwin, Ddm, PageHinkley } from '../../plugins/monitoring/streaming/index.ts'

/**
 * Measured over seeds 1–10 (change at t = 1000), first detection − 1000:
 * ADWIN (δ = 0.002, Bernoulli 0.2 → 0.6): 55–87; Page–Hinkley (δ = 0.1, λ = 50, N(0,1) → N(1,1)): 31–72;
 * DDM (defaults, error rate 0.2 → 0.5): 41–389. The asserted bounds leave headroom.
 */
const CHANGE = 1000
const DELAY = { adwin: 200, pageHinkley: 150, ddm: 500 }
const SEEDS = [1, 2, 3, 4, 5]

function firstDetection(update: (t: number) => boolean, length = 3000): number {
  for (let t = 0; t < length; t++) if (update(t)) return t
  return -1
}
const normal = (r: { next(): number }) => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next())

describe('streaming drift detectors', () => {
  it.each(SEEDS)('ADWIN detects Bernoulli 0.2 → 0.6 within the delay bound (seed %s)', (seed) => {
    const r = seededRandom(seed)
    const adwin = new Adwin()
    const bit = (t: number) => (r.next() < (t < CHANGE ? 0.2 : 0.6) ? 1 : 0)
    const t = firstDetection((t) => adwin.update(bit(t)))
    expect(t).toBeGreaterThanOrEqual(CHANGE)
    expect(t - CHANGE).toBeLessThanOrEqual(DELAY.adwin)
    // Later checks keep cutting until the window holds (almost) only post-change data.
    for (let s = t + 1; s < 2000; s++) adwin.update(bit(s))
    expect(adwin.width).toBeLessThan(1200)
    expect(adwin.estimation).toBeGreaterThan(0.5)
  })

  it.each(SEEDS)('Page–Hinkley detects a mean shift of 1σ (seed %s)', (seed) => {
    const r = seededRandom(seed)
    const ph = new PageHinkley({ delta: 0.1, threshold: 50 })
    const t = firstDetection((t) => ph.update(normal(r) + (t < CHANGE ? 0 : 1)))
    expect(t).toBeGreaterThanOrEqual(CHANGE)
    expect(t - CHANGE).toBeLessThanOrEqual(DELAY.pageHinkley)
  })

  it.each(SEEDS)('DDM detects error rate 0.2 → 0.5 (seed %s)', (seed) => {
    const r = seededRandom(seed)
    const ddm = new Ddm()
    let warnedBeforeDrift = false
    const t = firstDetection((t) => {
      const drift = ddm.update(r.next() < (t < CHANGE ? 0.2 : 0.5))
      if (t >= CHANGE && ddm.warningDetected) warnedBeforeDrift = true
      return drift
    })
    expect(t).toBeGreaterThanOrEqual(CHANGE)
    expect(t - CHANGE).toBeLessThanOrEqual(DELAY.ddm)
    expect(warnedBeforeDrift).toBe(true)
  })

  it('stay silent on long stationary streams', () => {
    for (const seed of SEEDS) {
      const r = seededRandom(100 + seed)
      const adwin = new Adwin()
      const ph = new PageHinkley({ delta: 0.1, threshold: 50 })
      expect(firstDetection(() => adwin.update(r.next() < 0.3 ? 1 : 0), 5000)).toBe(-1)
      expect(firstDetection(() => ph.update(normal(r)), 5000)).toBe(-1)
    }
  })

  it('DDM false-alarm rate on stationary streams stays at the documented level (~25 % per 1000 samples)', () => {
    let alarms = 0
    for (let seed = 1; seed <= 100; seed++) {
      const r = seededRandom(1000 + seed)
      const ddm = new Ddm()
      if (firstDetection(() => ddm.update(r.next() < 0.2), 1000) >= 0) alarms++
    }
    expect(alarms).toBe(25)
  })

  it('reset clears state and flags', () => {
    const r = seededRandom(9)
    const adwin = new Adwin()
    for (let t = 0; t < 500; t++) adwin.update(r.next())
    adwin.reset()
    expect([adwin.width, adwin.total, adwin.driftDetected]).toEqual([0, 0, false])
    const ddm = new Ddm()
    for (let t = 0; t < 40; t++) ddm.update(t % 2 === 0)
    ddm.reset()
    expect([ddm.driftDetected, ddm.warningDetected]).toEqual([false, false])
  })
})
