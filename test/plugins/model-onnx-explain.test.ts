import { describe, expect, it } from 'vitest'
import type { ModelManifest } from '../../core/index.ts'
import { exactPlan, onnxModelPlugin, sampledPlan, type ShapleyPlan } from '../../plugins/model-onnx/index.ts'
import { cohort, shippedOnnxArtifact } from '../../testkit/onnx-shipped.ts'

/** Evaluate a plan on a function of the coalition's hybrid point (row where a member, baseline elsewhere). */
const shapley = (plan: ShapleyPlan, f: (z: number[]) => number, x: number[], b: number[]) =>
  plan.combine(plan.coalitions.map((m) => f(x.map((xi, i) => (m[i] ? xi : b[i]!)))))

describe('baseline Shapley plans', () => {
  it('exact: a linear function gets w_i (x_i − b_i), the textbook answer', () => {
    const w = [0.5, -2, 3, 0.25]
    const phi = shapley(exactPlan(4), (z) => z.reduce((s, v, i) => s + w[i]! * v, 1), [1, 2, 3, 4], [0, 1, 1, 2])
    phi.forEach((p, i) => expect(p).toBeCloseTo(w[i]! * ([1, 2, 3, 4][i]! - [0, 1, 1, 2][i]!), 12))
  })

  it('exact: a pure interaction x0·x1 is split half and half, and a dummy feature gets 0', () => {
    const phi = shapley(exactPlan(3), (z) => z[0]! * z[1]!, [2, 3, 7], [0, 0, 0])
    expect(phi[0]).toBeCloseTo(3, 12)
    expect(phi[1]).toBeCloseTo(3, 12)
    expect(phi[2]).toBe(0)
  })

  it('sampled: adds up exactly and approaches the exact values', () => {
    const f = (z: number[]) => Math.tanh(z[0]! * z[1]! - z[2]!) + z[3]! ** 2 + z[0]! * z[4]!
    const [x, b] = [
      [1, -2, 0.5, 1.5, 2],
      [0, 0.5, -1, 0, 1],
    ]
    const exact = shapley(exactPlan(5), f, x, b)
    const sampled = shapley(sampledPlan(5, 400, 7), f, x, b)
    expect(Math.abs(sampled.reduce((s, v) => s + v, 0) - (f(x) - f(b)))).toBeLessThan(1e-12)
    sampled.forEach((p, i) => expect(Math.abs(p - exact[i]!)).toBeLessThan(0.05))
  })

  it('sampled: the same seed gives the same plan', () => {
    expect(sampledPlan(6, 10, 3).coalitions).toEqual(sampledPlan(6, 10, 3).coalitions)
    expect(sampledPlan(6, 10, 3).coalitions).not.toEqual(sampledPlan(6, 10, 4).coalitions)
  })
})

describe('explaining the shipped model', () => {
  const rows = cohort().rows.slice(3200, 3210)

  it('matches the exact values with sampled permutations, and says which method ran', async () => {
    const shipped = shippedOnnxArtifact()
    const sampledManifest = {
      ...shipped.manifest,
      onnx: { ...(shipped.manifest as unknown as { onnx: object }).onnx, explanation: { maxExactFeatures: 0, permutations: 512, seed: 5 } },
    } as ModelManifest
    const [exact, sampled] = [await onnxModelPlugin.load(shipped), await onnxModelPlugin.load({ ...shipped, manifest: sampledManifest })]
    expect(exact.describe().explanationMethod).toContain('exact over all 2^8 feature coalitions')
    expect(sampled.describe().explanationMethod).toContain('512 seeded permutations')
    const [e, s] = [await exact.explain(rows), await sampled.explain(rows)]
    e.forEach((row, i) =>
      row.forEach((c, j) => {
        expect(s[i]![j]!.feature).toBe(c.feature)
        expect(Math.abs(s[i]![j]!.contribution - c.contribution)).toBeLessThan(0.02)
      }),
    )
  })

  it('gives a row equal to the baseline zero contributions, and a feature changed alone all of the difference', async () => {
    const shipped = shippedOnnxArtifact()
    const baseline = (shipped.manifest as unknown as { onnx: { baseline: Record<string, number | string | boolean> } }).onnx.baseline
    const model = await onnxModelPlugin.load(shipped)
    const [atBaseline, moved] = await model.explain([{ features: baseline }, { features: { ...baseline, prior_admissions: 4 } }])
    atBaseline!.forEach((c) => expect(c.contribution).toBe(0))
    const [score] = await model.predict([{ features: { ...baseline, prior_admissions: 4 } }])
    const difference = Math.log(score!.score / (1 - score!.score)) - model.describe().baseline!
    expect(difference).toBeGreaterThan(0.5)
    for (const c of moved!) expect(c.contribution).toBeCloseTo(c.feature === 'prior_admissions' ? difference : 0, 6)
  })
})
