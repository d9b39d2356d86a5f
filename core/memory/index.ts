/** In-memory implementations of every port: for unit tests, demos and the browser. */
export { memoryModelStore } from './model-store.ts'
export { memoryAuditSink, matchesFilter } from './audit-sink.ts'
export { memoryFhirSource } from './fhir-source.ts'
export { memoryFeatureStore } from './feature-store.ts'
export { memoryRateLimitStore, takeFromBucket, type BucketState } from './rate-limit-store.ts'
export { systemClock, manualClock, seededRandom, createLogger, LOG_FIELD_ALLOWLIST, type LoggerOptions } from './runtime.ts'
export { createMetricsRegistry } from './metrics.ts'
export { memoryStorage } from './plugins.ts'
