/**
 * The codes only monitoring raises. They live here, not in core's table: the merge below types
 * them, and `defineErrorCodes` registers them wherever a raising module is loaded.
 */
import { defineErrorCodes } from '../../core/index.ts'

export const MONITORING_ERRORS = defineErrorCodes({
  'monitoring.features_not_logged': { status: 422, title: 'The prediction log keeps no feature values for this model (storeFeatures is off)' },
  'monitoring.no_reference': { status: 422, title: 'The model version has no training profile to compare against' },
  'monitoring.reference_too_small': { status: 422, title: 'Too few labelled reference predictions (or one outcome only) to calibrate a performance estimate' },
  'monitoring.insufficient_outcomes': { status: 422, title: 'Too few predictions with a known outcome in the window to recalibrate' },
  'monitoring.recalibration_failed': { status: 422, title: 'No recalibration could be fitted on these outcomes' },
  'adverse_event.not_found': { status: 404, title: 'No such adverse event' },
})

type MonitoringErrors = typeof MONITORING_ERRORS
declare module '../../core/index.ts' {
  interface ErrorCodes extends MonitoringErrors {}
}
