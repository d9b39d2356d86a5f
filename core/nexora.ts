import type { OpenAPIHono } from '@hono/zod-openapi'
import { createAuditLogger, type AuditLogger } from './audit/audit-logger.ts'
import { createAuditWriter, type AuditWriter } from './audit/group-commit.ts'
import type { Sha256 } from './digest.ts'
import { NexoraError } from './errors.ts'
import { VERSION } from './version.ts'
import { requireWellFormed } from './well-formed.ts'
import { createHttpApp } from './http/app.ts'
import type { AppEnv, AssetLoader, HealthReport } from './http/env.ts'
import { createMetricsRegistry } from './memory/metrics.ts'
import { memoryFeatureStore } from './memory/feature-store.ts'
import { memoryRateLimitStore } from './memory/rate-limit-store.ts'
import { createLogger, seededRandom, systemClock } from './memory/runtime.ts'
import type { Plugin } from './plugin/define-plugin.ts'
import { storePorts, type SinglePort } from './plugin/port-map.ts'
import { resolvePlugins, type ResolvedPorts } from './plugin/resolve-plugins.ts'
import { runPrediction, type PipelineDeps } from './pipeline/run-prediction.ts'
import type { FrontDoorContext } from './ports/front-door.ts'
import type { Caller, PredictionRequest, PredictionResult } from './ports/values.ts'
import { createRegistry, type ModelRegistry, type RecordEvent } from './registry/registry.ts'
import { signaturePolicy, type SignaturePolicyOptions } from './registry/signature.ts'
import { codedModelStore } from './registry/coded-store.ts'
import { createLifecycle, type Lifecycle } from './registry/lifecycle.ts'
import { shadowRunner } from './pipeline/shadow-runner.ts'
import { securityMiddleware } from './security/middleware.ts'
import { createAdmission, DEFAULT_UNAUTHENTICATED_LIMIT } from './security/admission.ts'
import { createRefusalAudit } from './security/refusal-audit.ts'
import { DEFAULT_RATE_LIMITS, ROUTE_POLICIES, type RateClass, type RoutePolicy } from './security/route-policy.ts'
import { SCOPES } from './security/scopes.ts'
import type { RateLimitRule } from './ports/rate-limit.ts'
import type { Context } from 'hono'
import type { JWK } from 'jose'

export interface NexoraConfig {
  /** Rows per prediction request. Default 1000. */
  maxRows?: number
  /** Request body limit in bytes. Default 1 MB. */
  bodyLimitBytes?: number
  /** Loaded models kept in memory. Default 16. */
  modelCacheSize?: number
  /** See RegistryOptions.resolveTtlMs. */
  resolveTtlMs?: number
  /** Contributions per explanation. Default 10. */
  maxContributions?: number
  /** The client address, from the adapter (e.g. `getConnInfo` on Node). */
  getClientIp?: (c: Context) => string | undefined
  /** Static files for /docs (and later the web UI), from the adapter. */
  assets?: AssetLoader
  /** How the audit writer waits a turn of the event loop before a group commit (see AuditWriterOptions). */
  scheduleCommit?: (run: () => void) => void
  /** SHA-256 for input hashes (default WebCrypto); see core/digest.ts. */
  sha256?: Sha256
  /** Who an HTTP caller is when no authenticator plugin is installed (embedded use, tests). */
  devCaller?: Omit<Caller, 'via' | 'ip'>
  /**
   * Token buckets per rate class (merged over the defaults), or false to turn limiting off.
   * `unauthenticated` is the per-address budget of failed authentications (see admission.ts).
   */
  rateLimits?: Partial<Record<RateClass | 'unauthenticated', RateLimitRule>> | false
  /** Refusals (bad tokens, rate limits, denials) per address or principal: audited in full once per window, then counted. Default 60 000 ms. */
  refusalAuditWindowMs?: number
  /** Access policies for routes an embedding app adds to `nexora.app`, merged over ROUTE_POLICIES. */
  routePolicies?: Record<string, RoutePolicy>
  /** Origins allowed to call cross-origin. Default none: same origin only. */
  corsOrigins?: string[]
  /** Per-request time limit in ms. Default 30 000. */
  requestTimeoutMs?: number
  /** Record an audit checkpoint this often (ms), and once more on close. Default off. */
  checkpointIntervalMs?: number
  /** Public keys (JWK) that may have signed audit checkpoints, beside the installed signer's own (kept after a key rotation). */
  auditPublicKeys?: JWK[]
  /** How old stored features may be for `features: "store"` (ms since they were computed as of). Default 24 h. */
  featureMaxAgeMs?: number
  /** The API's title in /openapi.json and /docs. Default `Nexora`. */
  title?: string
  /**
   * Model signatures: the keys trusted to sign model versions and when a signature is required
   * (core/registry/signature.ts). Default none: embedded use checks signatures only when asked;
   * the server adapters set it from the configuration (`models.*`), the browser adapter itself.
   */
  modelSignatures?: SignaturePolicyOptions
  /** `required` (default): a version serves patients (canary, production) only after another principal approved it. */
  modelApprovals?: 'required' | 'off'
}

export interface NexoraOptions {
  plugins: (Plugin | Plugin[])[]
  config?: NexoraConfig
}

/** An embedded Nexora: call it in-process, or hand `fetch` to any server adapter. */
export interface Nexora {
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Response | Promise<Response>
  /** Score in-process, with the same audit and checks as HTTP. */
  predict(request: PredictionRequest, caller?: Caller): Promise<PredictionResult>
  health(): Promise<HealthReport>
  registry: ModelRegistry
  /** Shadows, canaries, approvals and the governed promotion. */
  lifecycle: Lifecycle
  /** The audit trail: log, query, report, verify, checkpoint. */
  audit: AuditLogger
  ports: ResolvedPorts
  app: OpenAPIHono<AppEnv>
  /** Refuse new work, flush the audit trail, release models and close storage. */
  close(): Promise<void>
}

const REQUIRED: SinglePort[] = ['modelStore', 'auditSink']
/** Who an HTTP caller is when no authenticator is installed (embedded use, tests, dev mode). */
export const DEFAULT_DEV_CALLER = { subject: 'dev', scopes: [SCOPES.admin], roles: ['dev'] }
const IN_PROCESS_CALLER: Caller = { subject: 'in-process', scopes: [SCOPES.predict], roles: [], via: 'in-process' }

/**
 * Resolve the plugins and assemble the registry, the pipeline and the HTTP app.
 * @example
 * const nexora = await createNexora({ plugins: [memoryStorage(), linearModel()] })
 * const result = await nexora.predict({ model: 'readmission-risk', rows: [{ features: { age: 70 } }] })
 */
export async function createNexora(options: NexoraOptions): Promise<Nexora> {
  const config = options.config ?? {}
  // Plugins see the configuration as plain data (they read only the keys they know).
  const ports = await resolvePlugins(
    options.plugins.flat(),
    { ...config },
    {
      clock: () => systemClock,
      random: () => seededRandom(Date.now()),
      logger: () => createLogger({ level: 'warn' }),
      metrics: () => createMetricsRegistry(),
      rateLimitStore: () => memoryRateLimitStore(),
      featureStore: () => memoryFeatureStore(),
    },
    REQUIRED,
  )

  const clock = ports.get('clock')
  const logger = ports.get('logger')
  const metrics = ports.get('metrics')
  const auditRef: { write?: AuditWriter['write'] } = {}
  // Registry and lifecycle steps are audit events, committed before the step returns.
  const record: RecordEvent = (event) => auditRef.write!([{ ts: new Date(clock.now()).toISOString(), outcome: 'success', ...event }])
  const registry = createRegistry({
    record,
    store: ports.get('modelStore'),
    plugins: () => ports.getAll('model'),
    clock,
    metrics,
    cacheSize: config.modelCacheSize,
    resolveTtlMs: config.resolveTtlMs,
    verify: config.modelSignatures ? signaturePolicy(config.modelSignatures) : undefined,
  })
  const commitSeconds = metrics.histogram('nexora_audit_commit_seconds', 'Time to commit one group of audit events durably')
  const committed = metrics.counter('nexora_audit_events_total', 'Audit events committed')
  const audit = createAuditWriter(ports.get('auditSink'), {
    schedule: config.scheduleCommit,
    onCommit: (seconds, events) => {
      commitSeconds.observe({}, seconds)
      committed.inc({}, events)
    },
  })
  auditRef.write = audit.write
  const lifecycle = createLifecycle({
    registry,
    store: codedModelStore(ports.get('modelStore')),
    clock,
    record,
    approvals: config.modelApprovals,
    ttlMs: config.resolveTtlMs,
    sha256: config.sha256,
  })
  const shadows = shadowRunner({ registry, observers: () => ports.getAll('predictionObserver'), logger, metrics })
  const signer = ports.has('checkpointSigner') ? ports.get('checkpointSigner') : undefined
  const witnessFailures = metrics.counter('nexora_audit_witness_failures_total', 'Signed checkpoints a witness could not take')
  const auditLogger = createAuditLogger(ports.get('auditSink'), audit, clock, {
    signer,
    witnesses: ports.getAll('checkpointWitness'),
    // The signer's own public key, and any earlier ones the operator still trusts (after a key rotation).
    publicKeys: [...(signer && 'publicJwk' in signer ? [signer.publicJwk as JWK] : []), ...(config.auditPublicKeys ?? [])],
    onWitnessError: (witness) => {
      witnessFailures.inc({ witness })
      logger.error('audit.witness_failed', { code: witness })
    },
  })
  const deps: PipelineDeps = {
    registry,
    audit,
    clock,
    logger,
    metrics,
    stages: ports.getAll('complianceStage'),
    observers: ports.getAll('predictionObserver'),
    maxRows: config.maxRows ?? 1000,
    maxContributions: config.maxContributions ?? 10,
    sha256: config.sha256,
    lifecycle,
    shadows,
  }
  const checkpointTimer = config.checkpointIntervalMs
    ? setInterval(() => {
        auditLogger.checkpoint().catch(() => logger.error('audit.checkpoint_failed', {}))
      }, config.checkpointIntervalMs)
    : undefined
  let closed = false
  const inFlight = new Set<Promise<unknown>>()

  const predict: FrontDoorContext['predict'] = (request, caller, requestId, options = {}) => {
    if (closed) return Promise.reject(new NexoraError('nexora.closed'))
    const run = runPrediction(deps, { caller, requestId, route: options.route ?? 'predict', loadRows: options.loadRows }, request)
    inFlight.add(run)
    run.finally(() => inFlight.delete(run)).catch(() => {})
    return run
  }

  /**
   * Readiness. Each port's own check, and the audit trail's writes: a full or read-only disk
   * still answers a SELECT, so the writer's last commit decides. While writes fail, each check
   * commits one probe event, so the replica turns ready again by itself once the disk has room
   * (a load balancer sends it no traffic meanwhile that could).
   */
  async function health(): Promise<HealthReport> {
    const report: HealthReport = { status: 'ok', ports: {} }
    if (!audit.state().ok) {
      await audit
        .write([
          {
            ts: new Date(clock.now()).toISOString(),
            actor: 'nexora',
            action: 'audit.probe',
            outcome: 'success',
            context: { failingSince: new Date(audit.state().failingSince!).toISOString() },
          },
        ])
        .catch(() => undefined)
    }
    for (const port of storePorts()) {
      if (!ports.has(port)) continue
      const impl = ports.get(port) as { health?: () => Promise<{ ok: boolean; detail?: string }> }
      const state = await (impl.health?.() ?? Promise.resolve({ ok: true })).catch(() => ({ ok: false, detail: 'health check failed' }))
      const required = REQUIRED.includes(port)
      const writes = port === 'auditSink' ? audit.state() : { ok: true }
      report.ports[port] = { ...(writes.ok ? state : { ok: false, detail: 'audit writes are failing' }), provider: ports.providers[port] ?? 'core', required }
      if (required && !report.ports[port].ok) report.status = 'down'
    }
    return report
  }

  const authenticator = ports.has('authenticator') ? ports.get('authenticator') : undefined
  const frontDoors = ports.getAll('frontDoor')
  const refusals = createRefusalAudit({ windowMs: config.refusalAuditWindowMs })
  const admit = createAdmission({
    authenticator: () => authenticator,
    devCaller: config.devCaller ?? DEFAULT_DEV_CALLER,
    rateLimitStore: () => ports.get('rateLimitStore'),
    rateLimits: config.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, unauthenticated: DEFAULT_UNAUTHENTICATED_LIMIT, ...config.rateLimits },
    audit,
    refusals,
    clock,
    logger,
  })
  const security = securityMiddleware({
    policies: { ...ROUTE_POLICIES, ...Object.assign({}, ...frontDoors.map((d) => d.policies)), ...config.routePolicies },
    admit,
    authenticated: () => authenticator !== undefined,
    logger,
    getClientIp: config.getClientIp,
  })
  const app = createHttpApp({
    registry,
    lifecycle,
    audit: auditLogger,
    now: () => clock.now(),
    health,
    logger,
    metrics,
    predict,
    security,
    admit,
    frontDoors,
    timeoutMs: config.requestTimeoutMs ?? 30_000,
    corsOrigins: config.corsOrigins ?? [],
    bodyLimitBytes: config.bodyLimitBytes ?? 1024 * 1024,
    featureStore: () => ports.get('featureStore'),
    featureMaxAgeMs: config.featureMaxAgeMs ?? 24 * 60 * 60_000,
    assets: config.assets,
    title: config.title ?? 'Nexora',
    version: VERSION,
  })

  return {
    fetch: (request, env, executionCtx) => app.fetch(request, env, executionCtx as never),
    predict: async (request, caller = IN_PROCESS_CALLER) => {
      requireWellFormed(request)
      // The server's id is always fresh; a caller's own `requestId` is kept as its correlation id.
      return predict(request, request.requestId ? { ...caller, correlationId: request.requestId } : caller, crypto.randomUUID())
    },
    health,
    registry,
    lifecycle,
    audit: auditLogger,
    ports,
    app,
    async close() {
      if (closed) return
      closed = true
      await Promise.allSettled([...inFlight])
      await shadows.drain()
      // Observers first: their last writes (webhook deliveries) leave audit events to commit.
      await Promise.allSettled(deps.observers!.map((o) => o.flush?.()))
      // The counts of refusals whose windows are still open: the fact of a flood is never lost.
      const summaries = refusals.flush(clock.now())
      if (summaries.length > 0) await audit.write(summaries).catch(() => logger.error('audit.summary_failed', { count: summaries.length }))
      await audit.drain()
      if (checkpointTimer !== undefined) {
        clearInterval(checkpointTimer)
        await auditLogger.checkpoint()
      }
      await registry.close()
      for (const port of storePorts()) if (ports.has(port)) await (ports.get(port) as { close?: () => Promise<void> }).close?.()
      await Promise.allSettled(ports.getAll('checkpointWitness').map((w) => w.close?.()))
      // Last: the spans of everything above are exported before the SDK stops.
      if (ports.has('telemetry')) await ports.get('telemetry').close()
    },
  }
}
