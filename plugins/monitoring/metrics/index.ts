/** Clinical evaluation metrics: curves, operating points, calibration, bootstrap intervals, estimated performance (CBPE). */
export { binaryClfCurve, rocCurve, precisionRecallCurve, type RocCurve, type PrCurve } from './curves.ts'
export { confusionAt, thresholdMetrics, selectThreshold, type Confusion, type ThresholdMetrics, type ThresholdRule } from './threshold.ts'
export { calibrationCurve, expectedCalibrationError, calibrationSlopeIntercept, percentileSorted, type BinnedCalibration } from '../../../core/index.ts'
export { bootstrapCI, bootstrapRankMetrics, type Metric, type BootstrapResult } from './bootstrap.ts'
export { pairedBootstrap } from './paired-bootstrap.ts'
export { auroc, averagePrecision, brierScore, logLoss } from '../../../core/index.ts'
export {
  fitCbpe,
  estimatePerformance,
  realisedPerformance,
  calibrateScores,
  estimatedAuroc,
  estimatedConfusion,
  type CbpeFit,
  type CbpeEstimate,
  type CbpeOptions,
  type CbpeCalibration,
} from './cbpe.ts'
export type { IsotonicMap } from './cbpe-calibration.ts'
