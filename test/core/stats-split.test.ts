import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { stratifiedHoldout, stratifiedKFold } from '../../core/index.ts'

// Class counts from scikit-learn 1.2 (test/fixtures/sklearn/make_split_fixture.py writes them).
const fixture = JSON.parse(readFileSync(new URL('../fixtures/sklearn/split_counts.json', import.meta.url), 'utf8')) as {
  holdout: { counts: number[]; fraction: number; testCounts: number[][] }[]
  kfold: { counts: number[]; folds: number; testCounts: number[][] }[]
}

/** Labels with `counts[k]` rows of class k, interleaved the way a shuffled file would be (not sorted by class). */
const labelsOf = (counts: number[]) => {
  const rows = counts.flatMap((c, k) => Array.from({ length: c }, (_, i) => ({ k, at: (i * 7919 + k * 104729) % 100_003 })))
  return rows.sort((a, b) => a.at - b.at).map((r) => r.k)
}
const countOf = (labels: number[], rows: number[], classes: number) => {
  const counts = new Array<number>(classes).fill(0)
  for (const i of rows) counts[labels[i]!]!++
  return counts
}
const isPartition = (n: number, ...parts: number[][]) => {
  const all = parts.flat().sort((a, b) => a - b)
  return all.length === n && all.every((v, i) => v === i)
}

describe('stratifiedHoldout', () => {
  it('puts as many rows of each class in the test set as scikit-learn does', () => {
    for (const { counts, fraction, testCounts } of fixture.holdout) {
      const labels = labelsOf(counts)
      for (const seed of [1, 2, 3]) {
        const { train, test } = stratifiedHoldout(labels, { fraction, seed })
        // Where scikit-learn breaks an exact tie at random, the fixture lists each outcome it can give.
        expect(testCounts, `${counts} ${fraction} seed ${seed}`).toContainEqual(countOf(labels, test, counts.length))
        expect(isPartition(labels.length, train, test)).toBe(true)
      }
    }
  })

  it('is seeded: the same seed gives the same rows, another seed other rows; indices ascend', () => {
    const labels = labelsOf([2881, 1119])
    const a = stratifiedHoldout(labels, { fraction: 0.2, seed: 7 })
    expect(stratifiedHoldout(labels, { fraction: 0.2, seed: 7 })).toEqual(a)
    expect(stratifiedHoldout(labels, { fraction: 0.2, seed: 8 }).test).not.toEqual(a.test)
    expect(a.test).toEqual([...a.test].sort((x, y) => x - y))
    // Not the first or last rows of each class: shuffled, so both ends of the file reach the test set.
    expect(a.test[0]!).toBeLessThan(50)
    expect(a.test.at(-1)!).toBeGreaterThan(3950)
  })

  it('refuses a fraction outside (0, 1) and a split that would leave a side without a class', () => {
    expect(() => stratifiedHoldout([0, 1, 0, 1], { fraction: 0, seed: 1 })).toThrow(RangeError)
    expect(() => stratifiedHoldout([0, 1, 0, 1], { fraction: 1, seed: 1 })).toThrow(RangeError)
    expect(() => stratifiedHoldout([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], { fraction: 0.2, seed: 1 })).toThrow(/every class/)
    expect(() => stratifiedHoldout([0, 1, 0], { fraction: 0.2, seed: 1 })).toThrow(RangeError)
  })
})

describe('stratifiedKFold', () => {
  it("gives each fold scikit-learn's count of each class, and every row to exactly one test fold", () => {
    for (const { counts, folds, testCounts } of fixture.kfold) {
      const labels = labelsOf(counts)
      const split = stratifiedKFold(labels, { folds, seed: 3 })
      expect(split.map((f) => countOf(labels, f.test, counts.length))).toEqual(testCounts)
      expect(isPartition(labels.length, ...split.map((f) => f.test))).toBe(true)
      for (const f of split) expect(isPartition(labels.length, f.train, f.test)).toBe(true)
    }
  })

  it('is seeded and refuses fewer rows of a class than folds', () => {
    const labels = labelsOf([300, 100])
    expect(stratifiedKFold(labels, { folds: 5, seed: 1 })).toEqual(stratifiedKFold(labels, { folds: 5, seed: 1 }))
    expect(stratifiedKFold(labels, { folds: 5, seed: 2 })[0]!.test).not.toEqual(stratifiedKFold(labels, { folds: 5, seed: 1 })[0]!.test)
    expect(() => stratifiedKFold([0, 0, 0, 1, 1], { folds: 3, seed: 1 })).toThrow(/fewer rows than the 3 folds/)
    expect(() => stratifiedKFold(labels, { folds: 1, seed: 1 })).toThrow(RangeError)
  })
})
