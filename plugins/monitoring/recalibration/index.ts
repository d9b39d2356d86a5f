/**
 * Local recalibration: fit a site's map of a model's score onto the outcomes monitoring joined
 * (logistic intercept and slope, or isotonic), with seeded cross-validated calibration figures.
 * The service registers the map as a new version (plugins/monitoring/service/recalibrate.ts).
 */
export { calibrationMetrics, crossValidateRecalibration, type CalibrationMetrics, type CrossValidatedCalibration } from './cross-validate.ts'
export { fitScoreMap, mapScore, RECALIBRATION_METHODS, type FittedScoreMap, type RecalibrationMethod } from './fit.ts'
export { isotonicKnots, type IsotonicKnots } from './isotonic.ts'
export { fitLogisticRecalibration, type LogisticFit } from './logistic.ts'
