/**
 * Nexora core: ports, the plugin API, the model registry, the prediction pipeline and the
 * HTTP app. Web standards only: nothing here imports a runtime or a heavy engine.
 */
export { createNexora, type Nexora, type NexoraConfig, type NexoraOptions } from './nexora.ts'
export { definePlugin, type Plugin, type PluginContext, type PluginDefinition } from './plugin/define-plugin.ts'
export { PORT_NAMES, type PortMap, type PortName } from './plugin/port-map.ts'
export { NexoraError, ERROR_CODES, toNexoraError, type ErrorCode, type FieldIssue } from './errors.ts'
export { lazy } from './lazy.ts'
export { serial } from './serial.ts'
export { sha256Hex, webCryptoSha256, type Sha256 } from './digest.ts'
export { createRegistry, parseModelRef, ModelManifestSchema, hashFiles, type ModelRegistry, type ModelSummary } from './registry/index.ts'
export { runPrediction, type PipelineContext, type PipelineDeps } from './pipeline/run-prediction.ts'
export { validateRows } from './pipeline/validate-rows.ts'
export { createAuditWriter, type AuditWriter } from './audit/group-commit.ts'
export { sealEvents, verifyChain, checkAgainstCheckpoint, hashEvent, GENESIS_HASH, EMPTY_HEAD, type ChainHead } from './audit/hash-chain.ts'
export { problemResponse, toProblem, problemType } from './http/problem.ts'
export type { AppEnv, AssetLoader, HealthReport } from './http/env.ts'
export { SCOPES, hasScope, requireScope, requireAny, satisfies, PREDICT_ACCESS, type ScopeRequirement } from './security/scopes.ts'
export { ROUTE_POLICIES, DEFAULT_RATE_LIMITS, type RoutePolicy, type RateClass } from './security/route-policy.ts'
export * from './memory/index.ts'
export type * from './ports/index.ts'
export { ADVERSE_SEVERITIES, ADVERSE_STATUSES } from './ports/monitoring.ts'
