export {
  createRegistry,
  parseModelRef,
  ALIASES,
  type Alias,
  type ModelRegistry,
  type ModelSummary,
  type RegistryOptions,
  type VersionRef,
  type RecordEvent,
} from './registry.ts'
export { ModelManifestSchema, ModelSignatureSchema, FeatureDefSchema, OutputDefSchema } from './manifest-schema.ts'
export { hashFiles } from './integrity.ts'
export { ensureRegistered } from './ensure-registered.ts'
export { unservableVersions, type UnservableVersion } from './unservable.ts'
export {
  signManifest,
  verifyManifestSignature,
  signaturePolicy,
  signingPayload,
  MODEL_SIGNATURE_TYP,
  type ModelSignatureAlgorithm,
  type SignaturePolicyOptions,
  type SignatureRequirement,
} from './signature.ts'
export { DEMO_MODEL_KEY } from './demo-key.ts'
export {
  SourceAttributesSchema,
  SourceAttributesDraftSchema,
  SOURCE_ATTRIBUTES,
  SOURCE_ATTRIBUTE_GROUPS,
  SOURCE_ATTRIBUTES_RULE,
  missingSourceAttributes,
  type SourceAttributes,
  type SourceAttributesDraft,
  type SourceAttributeDef,
  type SourceAttributeStatus,
} from './source-attributes.ts'
export { sourceAttributesReport, type SourceAttributeEntry, type SourceAttributesReport } from './source-attributes-report.ts'
export { sourceAttributesToFhir, type SourceAttributesFhirOptions } from './source-attributes-fhir.ts'
export { createLifecycle, type Lifecycle, type LifecycleOptions, type CanaryInput, type ServingPlan } from './lifecycle.ts'
export { canaryBucket, canaryPercent, canaryStep } from './canary.ts'
