/**
 * De-identification: operators over detected PHI spans in free text, and the HIPAA Safe Harbor
 * profile over FHIR resources and Bundles, with keyed (HMAC-SHA-256) surrogates and per-patient
 * date shifts. Web standards only. See docs/deid.md.
 */
export { deidentifyText, rewriteText } from './text.ts'
export { deidentifyResource, deidentifyBundle, type DeidResourceOptions, type BundleLike } from './resource.ts'
export { deidExportStage, type DeidExportStageOptions } from './stage.ts'
export { DEFAULT_OPERATORS, applyOperator, mask } from './operators.ts'
export { zip3, generalizeAge, RESTRICTED_ZIP3, OVER_89 } from './generalize.ts'
export { shiftDate, shiftDays, dateToYear } from './dates.ts'
export { REDACTED_LABEL } from './safe-harbor.ts'
// Public for pseudonymous keys elsewhere (monitoring's subject keys), sharing one HMAC instance per key.
export { KeyedHmac } from './keyed.ts'
export type {
  HmacSha256,
  Operator,
  OperatorName,
  OperatorSpec,
  Detect,
  DeidKey,
  DeidOptions,
  DeidTextOptions,
  DeidSpan,
  DeidCounts,
  DeidTextResult,
} from './types.ts'
