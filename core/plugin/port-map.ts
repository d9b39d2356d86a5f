import type { AuditSink, CheckpointSigner, CheckpointWitness } from '../ports/audit.ts'
import type { Authenticator } from '../ports/authenticator.ts'
import type { ComplianceStage } from '../ports/compliance.ts'
import type { FeatureStore } from '../ports/feature-store.ts'
import type { FhirSource } from '../ports/fhir.ts'
import type { FrontDoor } from '../ports/front-door.ts'
import type { ModelPlugin } from '../ports/model.ts'
import type { ModelStore } from '../ports/model-store.ts'
import type { AdverseEventStore, PredictionLog, PredictionObserver } from '../ports/monitoring.ts'
import type { RateLimitStore } from '../ports/rate-limit.ts'
import type { Clock, Logger, MetricsRegistry, Random } from '../ports/runtime.ts'

/** Every port a plugin can provide, by name. TypeScript checks `setup` returns the named one. */
export interface PortMap {
  modelStore: ModelStore
  auditSink: AuditSink
  fhirSource: FhirSource
  featureStore: FeatureStore
  rateLimitStore: RateLimitStore
  clock: Clock
  random: Random
  logger: Logger
  metrics: MetricsRegistry
  model: ModelPlugin
  complianceStage: ComplianceStage
  authenticator: Authenticator
  frontDoor: FrontDoor
  predictionLog: PredictionLog
  adverseEventStore: AdverseEventStore
  predictionObserver: PredictionObserver
  /** Signs audit checkpoints with a key outside the database (a key file, or a KMS). */
  checkpointSigner: CheckpointSigner
  /** Keeps signed checkpoints in a second place (a file, a URL, another database). */
  checkpointWitness: CheckpointWitness
}

export type PortName = keyof PortMap

/** Ports that many plugins provide side by side (one per model kind, one per stage). */
export const MULTI_PORTS = ['model', 'complianceStage', 'frontDoor', 'predictionObserver', 'checkpointWitness'] as const satisfies readonly PortName[]
export type MultiPort = (typeof MULTI_PORTS)[number]
export type SinglePort = Exclude<PortName, MultiPort>

export const PORT_NAMES: readonly PortName[] = [
  'modelStore', 'auditSink', 'fhirSource', 'featureStore', 'rateLimitStore', 'clock', 'random', 'logger', 'metrics', 'model', 'complianceStage', 'authenticator', 'frontDoor',
  'predictionLog', 'adverseEventStore', 'predictionObserver', 'checkpointSigner', 'checkpointWitness',
]

export const isMultiPort = (port: PortName): port is MultiPort => (MULTI_PORTS as readonly string[]).includes(port)
