import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../core/index.ts'
import { driftReport, psi } from '../../plugins/monitoring/drift/index.ts'

const normals = (seed: number, n: number, mean = 0, sd = 1) => {
  const r = seededRandom(seed)
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next()))
}
const picks = (seed: number, n: number, levels: string[], p: number[]) => {
  const r = seededRandom(seed)
  return Array.from({ length: n }, () => {
    let u = r.next()
    for (let i = 0; i < levels.length; i++) if ((u -= p[i]!) < 0) return levels[i]!
    return levels.at(-1)!
  })
}

describe('driftReport', () => {
  it('picks the documented test per column type and size', () => {
    const r = driftReport(
      {
        small: normals(1, 500),
        big: normals(2, 5000),
        cat: picks(3, 500, ['a', 'b', 'c'], [0.5, 0.3, 0.2]),
        many: picks(4, 3000, [...'abcdefghijklmnopqrstuvwxyz'], Array(26).fill(1 / 26)),
      },
      {
        small: normals(5, 500),
        big: normals(6, 5000),
        cat: picks(7, 500, ['a', 'b', 'c'], [0.5, 0.3, 0.2]),
        many: picks(8, 3000, [...'abcdefghijklmnopqrstuvwxyz'], Array(26).fill(1 / 26)),
      },
    )
    expect(Object.fromEntries(Object.entries(r.columns).map(([k, v]) => [k, v.test]))).toEqual({
      small: 'ks',
      big: 'wasserstein',
      cat: 'chi-square',
      many: 'jensen-shannon',
    })
    expect(r.drift).toEqual({ drifted: false, share: 0, count: 0 })
    expect(r.columns.big?.wasserstein).toBeGreaterThan(0)
    expect(r.columns.cat?.wasserstein).toBeUndefined()
  })

  it('flags shifted columns and the dataset once ≥ 50 % drifted', () => {
    const r = driftReport(
      { a: normals(1, 400), b: normals(2, 3000), c: picks(3, 400, ['x', 'y'], [0.7, 0.3]), d: normals(4, 400) },
      { a: normals(5, 400, 0.5), b: normals(6, 3000, 0.3), c: picks(7, 400, ['x', 'y'], [0.7, 0.3]), d: normals(8, 400) },
    )
    expect(r.columns.a?.drifted).toBe(true)
    expect(r.columns.b?.drifted).toBe(true)
    expect(r.columns.c?.drifted).toBe(false)
    expect(r.columns.d?.drifted).toBe(false)
    expect(r.drift).toEqual({ drifted: true, share: 0.5, count: 2 })
    expect(driftReport({ a: [1, 2, 3] }, { a: [1, 2, 3] }, { driftShare: 0.6 }).drift.drifted).toBe(false)
  })

  it('drops nulls/NaN, treats mixed columns as categorical, skips empty ones', () => {
    const r = driftReport({ x: [1, null, 2, Number.NaN, 3], m: [1, 'a', 2], e: [null] }, { x: [1, 2, 3, null], m: ['a', 1, 2], e: [1] })
    expect(r.columns.x?.test).toBe('ks')
    expect(r.columns.x?.statistic).toBe(0)
    expect(r.columns.m?.test).toBe('chi-square')
    expect(r.skipped).toEqual(['e'])
  })

  it('PSI stays finite with empty bins and routes out-of-range values to the end bins', () => {
    const ref = Array.from({ length: 100 }, (_, i) => i)
    const value = psi(ref, Array(50).fill(1000))
    // All current mass in the last bin (share 1 vs 0.1); every other bin clipped at ε.
    const expected = (1 - 0.1) * Math.log(1 / 0.1) + 9 * (1e-6 - 0.1) * Math.log(1e-6 / 0.1)
    expect(value).toBeCloseTo(expected, 12)
  })
})
