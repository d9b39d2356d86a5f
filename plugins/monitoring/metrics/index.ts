/** Clinical evaluation metrics: curves, operating points, calibration, bootstrap intervals. */
export { binaryClfCurve, rocCurve, precisionRecallCurve, type RocCurve, type PrCurve } from './curves.ts'
export { confusionAt, thresholdMetrics, selectThreshold, type Confusion, type ThresholdMetrics, type ThresholdRule } from './threshold.ts'
export { calibrationCurve, expectedCalibrationError, calibrationSlopeIntercept, percentileSorted, type BinnedCalibration } from '../../../core/index.ts'
export { bootstrapCI, bootstrapRankMetrics, type Metric, type BootstrapResult } from './bootstrap.ts'
export { auroc, averagePrecision, brierScore, logLoss } from '../../../core/index.ts'
