/**
 * Seeded stratified splits for honest (held-out) metrics: a hold-out and k-fold cross-validation.
 * Each class gets the number of rows scikit-learn's StratifiedShuffleSplit / StratifiedKFold would
 * give it (checked on a committed fixture); which rows is decided by a seeded shuffle of our own,
 * the same on every runtime, so the indices themselves differ from scikit-learn's.
 */

/** Row indices (ascending, disjoint) of one split: the model trains on `train` and is scored on `test`. */
export interface SplitIndices {
  train: number[]
  test: number[]
}

// mulberry32, as core/memory/runtime.ts seededRandom: repeated here because core/stats imports nothing outside its folder.
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** The rows of each class (classes in ascending order, as numpy's unique), in row order. */
function byClass(labels: ArrayLike<number>): number[][] {
  const groups = new Map<number, number[]>()
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!
    if (Number.isNaN(y)) throw new RangeError('a label is NaN')
    if (!groups.has(y)) groups.set(y, [])
    groups.get(y)!.push(i)
  }
  return [...groups.keys()].sort((a, b) => a - b).map((y) => groups.get(y)!)
}

/**
 * scikit-learn's `_approximate_mode`: `draws` split among classes in proportion to their counts,
 * floors first, the rest one each to the largest remainders. scikit-learn breaks an exact tie in
 * the remainders at random; this takes the seeded generator for the same purpose.
 */
function approximateMode(counts: number[], draws: number, next: () => number): number[] {
  const total = counts.reduce((s, c) => s + c, 0)
  const continuous = counts.map((c) => (c / total) * draws)
  const floored = continuous.map(Math.floor)
  let need = draws - floored.reduce((s, c) => s + c, 0)
  const remainders = [...new Set(continuous.map((c, i) => c - floored[i]!))].sort((a, b) => b - a)
  for (const value of remainders) {
    if (need <= 0) break
    const tied = shuffle(
      continuous.flatMap((c, i) => (c - floored[i]! === value ? [i] : [])),
      next,
    )
    for (const i of tied.slice(0, need)) floored[i]!++
    need -= Math.min(tied.length, need)
  }
  return floored
}

/**
 * A seeded stratified hold-out: `ceil(fraction · n)` rows for the test set, each class in
 * proportion (scikit-learn's `train_test_split(stratify=labels, test_size=fraction)` counts).
 * Throws a RangeError when either side would lack a class.
 * @example
 * const { train, test } = stratifiedHoldout(labels, { fraction: 0.2, seed: 1 })
 */
export function stratifiedHoldout(labels: ArrayLike<number>, options: { fraction: number; seed: number }): SplitIndices {
  const { fraction, seed } = options
  if (!(fraction > 0 && fraction < 1)) throw new RangeError('the hold-out fraction must be between 0 and 1')
  const classes = byClass(labels)
  const n = labels.length
  const nTest = Math.ceil(fraction * n)
  const nTrain = n - nTest
  if (nTest < classes.length || nTrain < classes.length) throw new RangeError(`${n} rows cannot give both sides of a ${fraction} hold-out every class`)
  const next = random(seed)
  // As scikit-learn: the training share is drawn first and the test set takes what is left of each class.
  const trainCounts = approximateMode(
    classes.map((c) => c.length),
    nTrain,
    next,
  )
  if (classes.some((rows, k) => trainCounts[k] === 0 || trainCounts[k] === rows.length))
    throw new RangeError(`too few rows of a class for a ${fraction} hold-out: every class must be on both sides`)
  const train: number[] = []
  const test: number[] = []
  classes.forEach((rows, k) => {
    const order = shuffle([...rows], next)
    train.push(...order.slice(0, trainCounts[k]))
    test.push(...order.slice(trainCounts[k]))
  })
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) }
}

/**
 * Seeded stratified k-fold cross-validation: every row is in exactly one test fold, and each
 * fold gets of each class the count scikit-learn's `StratifiedKFold(folds, shuffle=True)` gives it.
 * Throws a RangeError when a class has fewer rows than there are folds (a fold would lack it).
 * @example
 * for (const { train, test } of stratifiedKFold(labels, { folds: 5, seed: 1 })) …
 */
export function stratifiedKFold(labels: ArrayLike<number>, options: { folds: number; seed: number }): SplitIndices[] {
  const { folds, seed } = options
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError('folds must be an integer of at least 2')
  const classes = byClass(labels)
  if (classes.some((rows) => rows.length < folds)) throw new RangeError(`a class has fewer rows than the ${folds} folds: a fold would lack it`)
  // scikit-learn's allocation: fold i takes, of each class, its count among the sorted labels at i, i + k, i + 2k, …
  const sorted = classes.flatMap((rows, k) => rows.map(() => k))
  const allocation = Array.from({ length: folds }, (_, i) => {
    const counts = classes.map(() => 0)
    for (let j = i; j < sorted.length; j += folds) counts[sorted[j]!]!++
    return counts
  })
  const next = random(seed)
  const foldOf = new Array<number>(labels.length)
  classes.forEach((rows, k) => {
    const assignment = shuffle(
      allocation.flatMap((counts, i) => new Array<number>(counts[k]!).fill(i)),
      next,
    )
    rows.forEach((row, j) => {
      foldOf[row] = assignment[j]!
    })
  })
  return Array.from({ length: folds }, (_, i) => ({
    train: foldOf.flatMap((f, row) => (f === i ? [] : [row])),
    test: foldOf.flatMap((f, row) => (f === i ? [row] : [])),
  }))
}
