import { NexoraError } from '../errors.ts'
import type { AuditSink, CheckpointSigner, CheckpointWitness } from '../ports/audit.ts'
import type { Authenticator } from '../ports/authenticator.ts'
import type { ComplianceStage } from '../ports/compliance.ts'
import type { FeatureStore } from '../ports/feature-store.ts'
import type { FhirSource } from '../ports/fhir.ts'
import type { FrontDoor } from '../ports/front-door.ts'
import type { JobQueue } from '../ports/job-queue.ts'
import type { PopulationStore } from '../ports/population.ts'
import type { ModelPlugin } from '../ports/model.ts'
import type { ModelStore } from '../ports/model-store.ts'
import type { AdverseEventStore, PredictionLog, PredictionObserver } from '../ports/monitoring.ts'
import type { RateLimitStore } from '../ports/rate-limit.ts'
import type { Clock, Logger, MetricsRegistry, Random, Telemetry } from '../ports/runtime.ts'

declare const contract: unique symbol

/** A port at runtime: whether many providers sit side by side. Its contract's type rides along for the compiler only. */
export interface PortSpec<T = unknown> {
  readonly multi: boolean
  /** A store: `/health` reports it (with its `health()`, if any) and `close()` closes it. */
  readonly store?: boolean
  readonly [contract]?: T
}

/** A port one provider fills: among several, the highest priority wins and the next is its fallback. */
export const single = <T>(options: { store?: true } = {}): PortSpec<T> & { readonly multi: false } => ({ multi: false, ...options })
/** A port every provider fills side by side (one per model kind, stage, front door). */
export const multi = <T>(): PortSpec<T> & { readonly multi: true } => ({ multi: true })

/**
 * Core's ports, listed once: `PortMap`, `MultiPorts` and `portNames()` are derived from this table,
 * so a port is added here and nowhere else. Plugins add their own with `definePort`.
 */
export const CORE_PORTS = {
  modelStore: single<ModelStore>({ store: true }),
  auditSink: single<AuditSink>({ store: true }),
  fhirSource: single<FhirSource>({ store: true }),
  featureStore: single<FeatureStore>({ store: true }),
  rateLimitStore: single<RateLimitStore>({ store: true }),
  clock: single<Clock>(),
  random: single<Random>(),
  logger: single<Logger>(),
  metrics: single<MetricsRegistry>(),
  model: multi<ModelPlugin>(),
  complianceStage: multi<ComplianceStage>(),
  authenticator: single<Authenticator>(),
  frontDoor: multi<FrontDoor>(),
  predictionLog: single<PredictionLog>({ store: true }),
  adverseEventStore: single<AdverseEventStore>({ store: true }),
  predictionObserver: multi<PredictionObserver>(),
  /** Signs audit checkpoints with a key outside the database (a key file, or a KMS). */
  checkpointSigner: single<CheckpointSigner>(),
  /** Keeps signed checkpoints in a second place (a file, a URL, another database). */
  checkpointWitness: multi<CheckpointWitness>(),
  /** Work that outlives a request (population shards, re-scores): in process, pg-boss or Cloudflare Queues. */
  jobQueue: single<JobQueue>({ store: true }),
  /** Population jobs, their staged records and their risk scores. */
  populationStore: single<PopulationStore>({ store: true }),
  /** A tracing SDK (OpenTelemetry): flushed after each Worker request, closed last on `close()`. */
  telemetry: single<Telemetry>(),
}

type CoreSpecs = typeof CORE_PORTS
type ContractOf<S> = S extends PortSpec<infer T> ? T : never
type CorePortMap = { [K in keyof CoreSpecs]: ContractOf<CoreSpecs[K]> }
type CoreMultiPorts = { [K in keyof CoreSpecs as CoreSpecs[K] extends { multi: true } ? K : never]: true }

/**
 * Every port a plugin can provide, by name; TypeScript checks `setup` returns the named one.
 * Open, as Hono's `ContextVariableMap` is: a plugin merges its own port in (see `definePort`).
 */
export interface PortMap extends CorePortMap {}

/** The ports many plugins provide side by side. Open in the same way, for a plugin's multi-port. */
export interface MultiPorts extends CoreMultiPorts {}

export type PortName = keyof PortMap & string
export type MultiPort = keyof MultiPorts & PortName
export type SinglePort = Exclude<PortName, MultiPort>

const registry = new Map<string, PortSpec>(Object.entries(CORE_PORTS))

/**
 * Register a plugin's own port at runtime; merging into `PortMap` (and `MultiPorts` for a
 * multi-port) types it, and the compiler holds `multi` to what `MultiPorts` says. Returns the
 * name, for `provides` and `requires`. Registering the same port alike again is a no-op.
 * @example
 * export const ALERT_SINK = definePort('alertSink', { multi: true })
 * declare module 'nexora' {
 *   interface PortMap { alertSink: AlertSink }
 *   interface MultiPorts { alertSink: true }
 * }
 */
export function definePort<const N extends PortName>(
  name: N,
  spec: { multi: N extends MultiPort ? true : false; store?: N extends MultiPort ? never : boolean },
): N {
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) throw new NexoraError('plugin.invalid', { detail: 'a port name is one camelCase word' })
  const known = registry.get(name)
  if (known && known.multi !== spec.multi)
    throw new NexoraError('plugin.invalid', { detail: `port "${name}" is already registered as a ${known.multi ? 'multi' : 'single'} port` })
  registry.set(name, Object.freeze({ multi: spec.multi, store: spec.store === true }))
  return name
}

/** Every registered port: core's, in table order, then each plugin's as it was defined. */
export const portNames = (): PortName[] => [...registry.keys()] as PortName[]

/** The single ports that are stores, in table order: what `/health` reports and `close()` closes. */
export const storePorts = (): SinglePort[] => [...registry].filter(([, spec]) => spec.store && !spec.multi).map(([name]) => name as SinglePort)

export const isPort = (name: string): name is PortName => registry.has(name)

export const isMultiPort = (port: PortName): port is MultiPort => registry.get(port)?.multi === true
