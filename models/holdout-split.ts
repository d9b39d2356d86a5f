/**
 * How a demo model's rows were split, as `training.split` records it (the convention `nexora train`
 * follows too): which rows were held out, and the rows and positives on each side. The demo scripts
 * hold out a fixed block (the last 20 %, or every fifth patient), chosen before training.
 */
export function fixedHoldout(heldOut: string, trainLabels: readonly (number | boolean)[], testLabels: readonly (number | boolean)[]) {
  const positives = (ys: readonly (number | boolean)[]) => ys.filter((y) => Number(y) === 1).length
  return {
    method: 'fixed-holdout',
    heldOut,
    trainRows: trainLabels.length,
    testRows: testLabels.length,
    trainPositives: positives(trainLabels),
    testPositives: positives(testLabels),
  }
}
