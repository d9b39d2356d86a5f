/**
 * Nexora core: ports, the plugin API, the model registry, the prediction pipeline and the
 * HTTP app. Web standards only: nothing here imports a runtime or a heavy engine.
 */
export { createNexora, DEFAULT_DEV_CALLER, type Nexora, type NexoraConfig, type NexoraOptions } from './nexora.ts'
export type { ServerAdapterOptions } from './http/server-options.ts'
export { startServer, type KitOptions, type Listener, type RunningServer, type ServerRuntime } from './http/serve-kit.ts'
export { PredictRequestSchema } from './http/schemas.ts'
export { definePlugin, type Plugin, type PluginContext, type PluginDefinition } from './plugin/define-plugin.ts'
export { pluginsFromModule } from './plugin/plugin-module.ts'
export { CORE_PORTS, definePort, portNames, type MultiPorts, type PortMap, type PortName } from './plugin/port-map.ts'
export {
  NexoraError,
  CORE_ERROR_CODES,
  defineErrorCodes,
  errorCodes,
  errorInfo,
  toNexoraError,
  safeName,
  fieldIssues,
  type ErrorCode,
  type ErrorCodes,
  type ErrorInfo,
  type FieldIssue,
} from './errors.ts'
export { lazy } from './lazy.ts'
export {
  withSpan,
  traceHeaders,
  extractTraceContext,
  activeTraceIds,
  activeSpanContext,
  type SpanAttributes,
  type SpanOptions,
  type TraceSpan,
  type TraceContext,
} from './tracing.ts'
export { importOptional } from './optional-dependency.ts'
export { VERSION } from './version.ts'
export { findIllFormed, isStorableText, requireWellFormed } from './well-formed.ts'
export { serial } from './serial.ts'
export { sha256Hex, webCryptoSha256, type Sha256 } from './digest.ts'
export { canonicalJson } from './canonical-json.ts'
export {
  createRegistry,
  parseModelRef,
  ModelManifestSchema,
  hashFiles,
  ensureRegistered,
  unservableVersions,
  createLifecycle,
  canaryBucket,
  canaryPercent,
  canaryStep,
  type Lifecycle,
  type LifecycleOptions,
  type CanaryInput,
  type ServingPlan,
  type RecordEvent,
  signManifest,
  verifyManifestSignature,
  signaturePolicy,
  signingPayload,
  MODEL_SIGNATURE_TYP,
  DEMO_MODEL_KEY,
  type ModelSignatureAlgorithm,
  type SignaturePolicyOptions,
  type SignatureRequirement,
  type ModelRegistry,
  type ModelSummary,
  type UnservableVersion,
} from './registry/index.ts'
export {
  missingSourceAttributes,
  sourceAttributesReport,
  sourceAttributesToFhir,
  SourceAttributesSchema,
  SOURCE_ATTRIBUTES,
  type SourceAttributes,
  type SourceAttributesDraft,
  type SourceAttributesReport,
} from './registry/index.ts'
export {
  checkConfig,
  loadConfig,
  nexoraConfigFrom,
  modelSignaturesFrom,
  withTrustedKeysFile,
  redactConfig,
  serverConfigSchema,
  ENV_VARIABLES,
  type ServerConfig,
  type ServerConfigInput,
  type LoadConfigOptions,
  type ConfigCheck,
} from './config/index.ts'
export { runPrediction, type PipelineContext, type PipelineDeps } from './pipeline/run-prediction.ts'
export { validateRows } from './pipeline/validate-rows.ts'
export { patientKey, storedFeatureName, storedRows } from './pipeline/stored-features.ts'
export { createAuditWriter, type AuditWriter } from './audit/group-commit.ts'
export type { AuditLogger, AccessRecord } from './audit/audit-logger.ts'
export { sealEvents, verifyChain, checkAgainstCheckpoint, hashEvent, GENESIS_HASH, EMPTY_HEAD, type ChainHead } from './audit/hash-chain.ts'
export { toAuditEventBundle } from './audit/fhir-audit-event.ts'
export {
  keyCheckpointSigner,
  generateCheckpointKey,
  signCheckpoint,
  openCheckpoint,
  CHECKPOINT_TYP,
  type CheckpointAlgorithm,
} from './audit/signed-checkpoint.ts'
export { problemResponse, toProblem, problemType } from './http/problem.ts'
export type { AppEnv, AssetLoader, HealthReport } from './http/env.ts'
export { SCOPES, hasScope, requireScope, requireAny, satisfies, PREDICT_ACCESS, type ScopeRequirement } from './security/scopes.ts'
export { ROUTE_POLICIES, DEFAULT_RATE_LIMITS, type RoutePolicy, type RateClass } from './security/route-policy.ts'
export { DEFAULT_UNAUTHENTICATED_LIMIT, type Admission, type AdmissionRequest, type RateLimits } from './security/admission.ts'
export { addressKey } from './security/client-address.ts'
export * from './memory/index.ts'
export * from './stats/index.ts'
export type * from './ports/index.ts'
export { ADVERSE_SEVERITIES, ADVERSE_STATUSES } from './ports/monitoring.ts'
export { EMPTY_LIFECYCLE } from './ports/model-store.ts'
export { FEEDBACK_ACTION } from './ports/feedback.ts'
