import type { LoadedModel, ModelManifest } from '../ports/model.ts'

/** Wrap a loaded model with the manifest's site recalibration, when it has one. (Stub: filled in by the recalibration work.) */
export function withCalibration(model: LoadedModel, _calibration: ModelManifest['calibration']): LoadedModel {
  return model
}
