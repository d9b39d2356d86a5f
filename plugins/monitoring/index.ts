/**
 * The monitoring service: a pseudonymous prediction log, outcomes (posted or pulled from FHIR),
 * performance, fairness and drift reports, adverse events, threshold alerts with webhooks, and
 * the model-quality gauges on /metrics. The numerical functions it uses are dependency-free and
 * have their own sub-paths (`/metrics`, `/fairness`, `/drift`, `/streaming`).
 */
import { definePlugin, NexoraError, type AdverseSeverity, type FrontDoor, type PluginContext, type PortName } from '../../core/index.ts'
import type { DeidKey, HmacSha256 } from '../deid/index.ts'
import type { AdwinOptions } from './streaming/adwin.ts'
import { adverseEventService } from './service/adverse-events.ts'
import { alertEngine, type AlertRule } from './service/alerts.ts'
import { createMonitor } from './service/monitor.ts'
import { pullOutcomes, recordOutcomes, type OutcomeRule } from './service/outcomes.ts'
import { createPseudonyms } from './service/pseudonym.ts'
import { predictionRecorder } from './service/recorder.ts'
import { ADVERSE_EVENT_RULE, canaryGuard } from './service/rollback.ts'
import { overrideObservations, readOverrideRates } from './service/overrides.ts'
import { monitoringPolicies, monitoringRoutes } from './service/routes.ts'
import { recalibrationPolicies, recalibrationRoutes } from './service/recalibrate-route.ts'
import { scoreWatch } from './service/score-watch.ts'
import { webhookDelivery, type WebhookOptions } from './service/webhooks.ts'

export interface MonitoringOptions {
  /** The secret for pseudonymous subject keys (≥ 16 bytes). Keep it: a new key breaks joins with older predictions. */
  key: DeidKey
  /** A synchronous HMAC-SHA-256 (the Node adapter passes node:crypto's); default WebCrypto. */
  hmac?: HmacSha256
  /** Log feature values (needed for feature drift and fairness). Default true. */
  storeFeatures?: boolean
  /** Outcome horizon in days, for all models or per model. Default 30. */
  horizonDays?: number | Record<string, number>
  /** Rules that find outcomes on the FHIR server (`POST /monitoring/outcomes/pull`, and each evaluation). */
  outcomeRules?: OutcomeRule[]
  /** Threshold rules over the monitored quantities. */
  alerts?: AlertRule[]
  /** Webhooks told about severe adverse events. */
  adverseEventHooks?: string[]
  /** Webhooks told when a canary is rolled back (`model.rollback`), beside the firing rule's own webhook. */
  lifecycleHooks?: string[]
  /** Severities that alert. Default severe, life-threatening, death. */
  alertAt?: AdverseSeverity[]
  /** Delivery settings shared by every webhook (retries, timeout, signing secret). */
  webhooks?: Partial<Pick<WebhookOptions, 'fetch' | 'attempts' | 'baseDelayMs' | 'timeoutMs' | 'secret' | 'sleep'>>
  /** Features `evaluate()` reports fairness over (e.g. `['sex']`). */
  fairnessAttributes?: string[]
  /** Run `evaluate()` (pull outcomes, then every report) this often. Default off: call POST /monitoring/evaluate from a scheduler. */
  evaluateEveryMs?: number
  /** ADWIN on each version's score stream; false turns it off. */
  scoreDrift?: AdwinOptions | false
}

const REQUIRES: PortName[] = ['predictionLog', 'adverseEventStore', 'modelStore', 'metrics', 'clock', 'logger']

/**
 * @example
 * await createNexora({ plugins: [sqlStorage(), linearModel(), monitoring({ key: process.env.NEXORA_MONITORING_KEY!,
 *   alerts: [{ id: 'auroc-low', quantity: 'auroc', op: 'below', threshold: 0.7, webhook: 'https://ops.example/hook' }] })] })
 */
export function monitoring(options: MonitoringOptions) {
  if (!options?.key) throw new NexoraError('plugin.invalid', { detail: 'monitoring needs a key for pseudonymous subject keys' })
  // One shared state per Nexora instance (keyed by its metrics registry), built by whichever of
  // the three plugins sets up first.
  const states = new WeakMap<object, ReturnType<typeof build>>()
  const shared = (ctx: PluginContext) => states.get(ctx.get('metrics')) ?? states.set(ctx.get('metrics'), build(ctx)).get(ctx.get('metrics'))!
  const build = async (ctx: PluginContext) => {
    const [clock, logger, metrics] = [ctx.get('clock'), ctx.get('logger'), ctx.get('metrics')]
    const webhooks = webhookDelivery({ clock, logger, metrics, ...options.webhooks })
    const alerts = alertEngine(options.alerts ?? [], { metrics, webhooks, now: () => clock.now() })
    return {
      clock,
      logger,
      metrics,
      webhooks,
      alerts,
      pseudonyms: await createPseudonyms(options.key, options.hmac),
      watch: scoreWatch(alerts, options.scoreDrift || {}),
    }
  }
  let timer: ReturnType<typeof setInterval> | undefined

  return [
    definePlugin({
      name: 'monitoring-recorder',
      provides: 'predictionObserver',
      requires: REQUIRES,
      async setup(ctx) {
        const s = await shared(ctx)
        return predictionRecorder({
          log: ctx.get('predictionLog'),
          pseudonyms: s.pseudonyms,
          logger: s.logger,
          metrics: s.metrics,
          storeFeatures: options.storeFeatures,
        })
      },
    }),
    definePlugin({
      name: 'monitoring-score-watch',
      provides: 'predictionObserver',
      requires: REQUIRES,
      async setup(ctx) {
        const s = await shared(ctx)
        return {
          name: 'monitoring',
          observe: (event) => {
            if (options.scoreDrift !== false) s.watch.observe(event)
          },
          // On close: stop the schedule and let webhook deliveries finish.
          async flush() {
            if (timer !== undefined) clearInterval(timer)
            await s.webhooks.drain()
          },
        }
      },
    }),
    definePlugin({
      name: 'monitoring-front-door',
      provides: 'frontDoor',
      requires: REQUIRES,
      async setup(ctx): Promise<FrontDoor> {
        const s = await shared(ctx)
        const log = ctx.get('predictionLog')
        const store = ctx.get('adverseEventStore')
        return {
          name: 'monitoring',
          policies: { ...monitoringPolicies, ...recalibrationPolicies },
          register(app, door) {
            s.webhooks.attach(door.audit)
            const monitor = createMonitor({
              log,
              store: ctx.get('modelStore'),
              registry: door.registry,
              alerts: s.alerts,
              clock: s.clock,
              horizonDays: options.horizonDays,
              fairnessAttributes: options.fairnessAttributes,
              canaryOf: async (model) => (await door.lifecycle.state(model)).canary?.version,
            })
            // A canary's rollback rules: an alert rule by id, or a severe adverse event against the model.
            const guard = canaryGuard({ lifecycle: door.lifecycle, webhooks: s.webhooks, hooks: options.lifecycleHooks ?? [], logger: s.logger })
            s.alerts.onFiring((rule, o) => guard.trip(o.model, rule.id, rule.webhook))
            const now = () => s.clock.now()
            const pull = async () => {
              // The FHIR source is optional: read it when the rules run, after every plugin is set up.
              const fhir = ctx.get('fhirSource')
              if (!options.outcomeRules?.length) return []
              if (!fhir) throw new NexoraError('fhir.not_configured')
              const results = []
              for (const rule of options.outcomeRules)
                results.push(await pullOutcomes(rule, { fhir, log, pseudonyms: s.pseudonyms, now, horizonMs: monitor.horizonMs(rule.model) }))
              return results
            }
            const evaluate = async () => {
              const pulled = ctx.get('fhirSource') ? await pull().catch(() => []) : []
              const result = await monitor.evaluate()
              // Override rates come from the audit trail (CDS Hooks feedback), over the same window.
              const rates = await readOverrideRates(door, { from: result.from, to: new Date(now() + 1).toISOString() }).catch(() => undefined)
              for (const { n, observation } of overrideObservations(rates?.models ?? [])) monitor.observe(n, [observation])
              s.watch.settle()
              await guard.settle()
              return { ...result, outcomes: pulled }
            }
            if (options.evaluateEveryMs) {
              timer = setInterval(() => {
                evaluate().catch(() => s.logger.error('monitoring.evaluate_failed', {}))
              }, options.evaluateEveryMs)
              ;(timer as { unref?: () => void }).unref?.()
            }
            recalibrationRoutes(app, door, { log, store: ctx.get('modelStore'), horizonMs: monitor.horizonMs })
            monitoringRoutes(app, door, {
              monitor: { ...monitor, evaluate },
              log,
              alerts: s.alerts,
              store,
              events: adverseEventService({
                store,
                clock: s.clock,
                webhooks: s.webhooks,
                hooks: options.adverseEventHooks ?? [],
                alertAt: options.alertAt,
                onAlert: (e) => {
                  if (e.model) guard.trip(e.model, ADVERSE_EVENT_RULE)
                },
              }),
              recordOutcomes: (inputs) => recordOutcomes(inputs, { log, pseudonyms: s.pseudonyms, now }),
              pullOutcomes: pull,
              stages: () => ctx.getAll('complianceStage'),
            })
          },
        }
      },
    }),
  ]
}

export { buildProfile, parseProfile, PROFILE_FILE, type TrainingProfile } from './service/profile.ts'
export { performanceReport, fairnessReport } from './service/reports.ts'
export { overrideRates, type OverrideRate } from './service/overrides.ts'
export {
  recalibrate,
  recalibrateAudited,
  type RecalibrationActor,
  type RecalibrationDeps,
  type RecalibrationRequest,
  type RecalibrationResult,
} from './service/recalibrate.ts'
export { toFhirAdverseEvent } from './service/adverse-events.ts'
export { QUANTITIES, type AlertRule, type Quantity } from './service/alerts.ts'
export { webhookDelivery, type WebhookDelivery, type WebhookOptions } from './service/webhooks.ts'
export type { OutcomeRule, OutcomeInput } from './service/outcomes.ts'
// The numerical functions, public so the CLI and callers computing their own reports need no private path.
export * from './drift/index.ts'
export * from './fairness/index.ts'
export * from './metrics/index.ts'
export * from './recalibration/index.ts'
export * from './streaming/index.ts'
/** The codes this plugin raises (registered on import); docs/api.md lists them with core's. */
export { MONITORING_ERRORS } from './errors.ts'
