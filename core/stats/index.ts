/**
 * Shared statistics: pure functions with no imports outside this folder, so that model plugins
 * and monitoring can both stand on them without one plugin stacking above the other.
 *
 * @example
 * import { classifierMetrics } from 'nexora'
 * classifierMetrics([0, 1, 1], [0.2, 0.7, 0.9]).auroc // 1
 */
export { auroc, averagePrecision, brierScore, logLoss, calibration, classifierMetrics, type CalibrationCurve } from './metrics.ts'
export { calibrationCurve, expectedCalibrationError, calibrationSlopeIntercept, percentileSorted, type BinnedCalibration } from './calibration.ts'
export { chi2Sf, gammaIncUpper, logGamma } from './special.ts'
export { quantileSorted, searchsorted } from './sorted.ts'
export { tagMetrics, pickMetrics, type MetricTag } from './metric-tags.ts'
export { stratifiedHoldout, stratifiedKFold, type SplitIndices } from './split.ts'
export { clippedLogit, isotonicRecalibrated, logisticRecalibrated, RECALIBRATION_EPS } from './recalibration.ts'
