import { canonicalJson } from '../canonical-json.ts'
import { NexoraError, toNexoraError } from '../errors.ts'
import type { AuditWriter } from '../audit/group-commit.ts'
import type { AuditEventInput } from '../ports/audit.ts'
import type { ComplianceStage } from '../ports/compliance.ts'
import type { PredictedEvent, PredictionObserver } from '../ports/monitoring.ts'
import type { Clock, Logger, MetricsRegistry } from '../ports/runtime.ts'
import type { Caller, Prediction, PredictionRequest, PredictionResult, Row } from '../ports/values.ts'
import { parseModelRef, type ModelRegistry } from '../registry/registry.ts'
import { sha256Hex, type Sha256 } from '../digest.ts'
import { PREDICT_ACCESS, requireAny } from '../security/scopes.ts'
import type { Lifecycle } from '../registry/lifecycle.ts'
import { scoreRows } from './score-rows.ts'
import type { ShadowRunner } from './shadow-runner.ts'
import { withSpan, type TraceSpan } from '../tracing.ts'

/** Everything the pipeline needs, resolved once by createNexora. */
export interface PipelineDeps {
  registry: ModelRegistry
  audit: AuditWriter
  clock: Clock
  logger: Logger
  metrics: MetricsRegistry
  stages: ComplianceStage[]
  /** Told about each committed prediction (the monitoring log); optional. */
  observers?: PredictionObserver[]
  maxRows: number
  /** How many contributions an explanation returns, largest magnitude first. */
  maxContributions: number
  sha256?: Sha256
  /** Canary routing and shadows (absent: every request is scored by the version it resolves to). */
  lifecycle?: Pick<Lifecycle, 'plan'>
  shadows?: Pick<ShadowRunner, 'enqueue'>
}

export interface PipelineContext {
  caller: Caller
  requestId: string
  /** The front door's route name, e.g. `predict`; stages use it to decide if they apply. */
  route: string
  /**
   * Fetch the rows after the request event is enqueued (the FHIR front doors read the EHR
   * here), so the data access is audited and its failures are recorded like any other.
   */
  loadRows?: () => Promise<{ rows: Row[]; context?: Record<string, unknown> }>
}

function distinctPatients(rows: Row[]): string[] {
  return [...new Set(rows.map((r) => r.patientRef).filter((p): p is string => typeof p === 'string'))]
}

async function runStages(deps: PipelineDeps, ctx: PipelineContext, order: 'pre' | 'post', payload: unknown) {
  const stages = deps.stages.filter((stage) => stage.order === order && (stage.appliesTo?.(ctx.route) ?? true))
  if (stages.length === 0) return payload
  return withSpan(`compliance.${order}`, { 'nexora.stages': stages.length }, async () => {
    let current = payload
    for (const stage of stages) current = await stage.process({ ...ctx }, current)
    return current
  })
}

/**
 * The one prediction pipeline behind every front door: authorise → audit request →
 * 'pre' stages → resolve (cached) → validate → predict/explain → 'post' stages →
 * audit response → metrics. It returns only after both audit events are committed,
 * and on failure it still commits the response event (with the error code) before throwing.
 * A response event commits only if its request event did: both events of a request, or neither.
 */
export async function runPrediction(deps: PipelineDeps, ctx: PipelineContext, request: PredictionRequest): Promise<PredictionResult> {
  // Counts, codes and registered names only: the model is named once the registry has resolved it
  // (a request's own `model` string is user input), and no row, patient or feature is ever named.
  const attributes = { 'nexora.request_id': ctx.requestId, 'nexora.route': ctx.route, 'nexora.via': ctx.caller.via, 'nexora.rows': request.rows.length }
  return withSpan('pipeline.predict', attributes, (span) => predict(deps, ctx, request, span))
}

async function predict(deps: PipelineDeps, ctx: PipelineContext, request: PredictionRequest, span: TraceSpan): Promise<PredictionResult> {
  const started = deps.clock.now()
  requireAny(ctx.caller, PREDICT_ACCESS)
  const patients = distinctPatients(request.rows)
  const ref = parseModelRef(request.model)
  const base = {
    actor: ctx.caller.subject,
    patientRef: patients.length === 1 ? patients[0] : null,
    requestId: ctx.requestId,
    ip: ctx.caller.ip ?? null,
    model: ref.name,
  }
  const context = {
    via: ctx.caller.via,
    rows: request.rows.length,
    purpose: request.purpose ?? null,
    ...(patients.length > 1 ? { patients } : {}),
    ...(ctx.caller.correlationId ? { correlationId: ctx.caller.correlationId } : {}),
  }
  const requestEvent: AuditEventInput = {
    ...base,
    ts: new Date(started).toISOString(),
    action: 'predict.request',
    outcome: 'success',
    version: ref.version ?? request.version ?? request.alias ?? null,
    context,
  }
  // Commit the request event while the model works; nothing leaves until both are durable.
  const requestReceipt = deps.audit.write([requestEvent])
  requestReceipt.catch(() => {})

  let version: string | null = null
  let loadedContext: Record<string, unknown> = {}
  try {
    requireOwnPatient(ctx.caller, request.rows)
    const loaded = ctx.loadRows ? await ctx.loadRows() : { rows: request.rows }
    loadedContext = loaded.context ?? {}
    if (loaded.rows.length === 0) throw new NexoraError('batch.empty')
    if (loaded.rows.length > deps.maxRows) throw new NexoraError('batch.too_large', { detail: `at most ${deps.maxRows} rows per request` })
    const rows = (await runStages(deps, ctx, 'pre', loaded.rows)) as Row[]
    if (ref.version && (request.version || request.alias))
      throw new NexoraError('request.invalid', { detail: 'give the version in "name@version" or in version/alias, not both' })
    const stored = await deps.registry.resolve(ref.name, { version: ref.version ?? request.version, alias: request.alias })
    version = stored.version
    span.set({ 'nexora.model': stored.name, 'nexora.model_version': stored.version, 'nexora.rows': rows.length })
    // A canary and shadows apply to requests for the serving version; a pinned version or alias is what it says.
    const routed = !ref.version && !request.version && (!request.alias || request.alias === 'production')
    const plan = routed && deps.lifecycle ? await deps.lifecycle.plan(ref.name, stored.version) : undefined
    const assigned = plan?.canary ? await Promise.all(rows.map((r) => plan.versionFor(r.patientRef))) : rows.map(() => stored.version)
    const groups = [...new Set(assigned)]
    const predictions: Prediction[] = new Array(rows.length)
    for (const v of groups) {
      const target = v === stored.version ? stored : await deps.registry.resolve(ref.name, { version: v })
      const indexes = assigned.flatMap((a, i) => (a === v ? [i] : []))
      const scored = await scoreRows(
        deps.registry,
        target,
        indexes.map((i) => rows[i]!),
        { explain: request.explain, maxContributions: deps.maxContributions },
      )
      indexes.forEach((row, k) => {
        predictions[row] = groups.length > 1 ? { ...scored[k]!, version: v } : scored[k]!
      })
    }
    version = groups.length === 1 ? groups[0]! : stored.version
    const canaryRows = plan?.canary ? assigned.filter((a) => a === plan.canary!.version).length : 0
    const routing = {
      ...(canaryRows > 0 ? { canary: { version: plan!.canary!.version, rows: canaryRows } } : {}),
      ...(plan?.shadows.length ? { shadows: plan.shadows } : {}),
    }
    const released = (await runStages(deps, ctx, 'post', predictions)) as Prediction[]
    const inputHash = await sha256Hex(canonicalJson(rows.map((r) => r.features)), deps.sha256)
    const responseEvent: AuditEventInput = {
      ...base,
      ts: new Date(deps.clock.now()).toISOString(),
      action: 'predict.response',
      outcome: 'success',
      version,
      context: { ...context, ...loadedContext, inputHash, explain: Boolean(request.explain), ...routing },
    }
    // `after`: the response event commits only if the request event did, never alone (an orphan)
    // when the request's commit failed and the database came back before the response's.
    const [[req], [res]] = await Promise.all([requestReceipt, deps.audit.write([responseEvent], { after: requestReceipt })])
    record(deps, ref.name, version, released, started, 'success')
    span.set({ 'nexora.model_version': version, 'nexora.outcome': 'success', 'nexora.explain': Boolean(request.explain) })
    for (const v of groups) {
      const mine = assigned.flatMap((a, i) => (a === v ? [i] : []))
      const only = mine.length === rows.length
      notify(deps, {
        ts: responseEvent.ts,
        requestId: ctx.requestId,
        model: stored.name,
        version: v,
        rows: only ? rows : mine.map((i) => rows[i]!),
        predictions: only ? released : mine.map((i) => released[i]!),
      })
    }
    if (plan?.shadows.length && deps.shadows) {
      const served = released.map((p, i) => ({ version: assigned[i]!, score: p.score }))
      deps.shadows.enqueue({ ts: responseEvent.ts, requestId: ctx.requestId, model: stored.name, versions: plan.shadows, rows, served })
    }
    return { model: { name: stored.name, version }, predictions: released, requestId: ctx.requestId, auditIds: [req!.seq, res!.seq] }
  } catch (thrown) {
    const error = toNexoraError(thrown)
    span.set({ 'nexora.outcome': error.code })
    if (error.code === 'audit.write_failed') throw error
    const failure: AuditEventInput = {
      ...base,
      ts: new Date(deps.clock.now()).toISOString(),
      action: 'predict.response',
      outcome: 'failure',
      version,
      reason: error.code,
      context: { ...context, ...loadedContext },
    }
    // Both events of a request or neither: no failure event when the request event was not committed.
    await Promise.all([requestReceipt, deps.audit.write([failure], { after: requestReceipt })])
    record(deps, ref.name, version ?? 'unknown', [], started, error.code)
    if (error.code === 'internal') deps.logger.error('predict.failed', { requestId: ctx.requestId, code: error.code })
    throw error
  }
}

/**
 * A SMART patient-context caller may score only its launch patient: every row must name that
 * patient. Checked inside the audited part of the pipeline, so a refusal leaves its response event.
 */
function requireOwnPatient(caller: Caller, rows: Row[]) {
  if (!caller.patient) return
  const own = `Patient/${caller.patient}`
  const other = rows.some((r) => (r.patientRef?.includes('/') ? r.patientRef : r.patientRef && `Patient/${r.patientRef}`) !== own)
  if (other) throw new NexoraError('auth.forbidden', { detail: 'a patient-context token may score only its launch patient' })
}

function notify(deps: PipelineDeps, event: PredictedEvent) {
  for (const observer of deps.observers ?? []) {
    // An observer's failure must never fail a prediction that is already committed.
    try {
      observer.observe(event)
    } catch {
      deps.logger.error('observer.failed', { code: observer.name })
    }
  }
}

function record(deps: PipelineDeps, model: string, version: string, predictions: Prediction[], started: number, outcome: string) {
  deps.metrics.histogram('nexora_predict_seconds', 'Pipeline time per prediction request').observe({ outcome }, (deps.clock.now() - started) / 1000)
  const counter = deps.metrics.counter('nexora_predictions_total', 'Predictions made, per model, version and label')
  for (const p of predictions) counter.inc({ model, version, label: p.label ?? 'none' })
}
