import type { Gauge, MetricsRegistry } from '../../../core/index.ts'
import type { WebhookDelivery } from './webhooks.ts'

/**
 * Monitored quantities. `score_drift` is 1 when the streaming detector on scores has fired; the
 * `estimated_*` ones are CBPE estimates (service/estimated.ts), known before the outcomes are.
 */
export const QUANTITIES = [
  'auroc',
  'auprc',
  'brier',
  'ece',
  'psi',
  'fairness_gap',
  'score_drift',
  'calibration_slope',
  'override_rate',
  'estimated_auroc',
  'estimated_ppv',
  'estimated_sensitivity',
  'estimated_brier',
] as const
export type Quantity = (typeof QUANTITIES)[number]

export interface AlertRule {
  id: string
  quantity: Quantity
  /** Fires when the value is above (or below) the threshold. */
  op: 'above' | 'below'
  threshold: number
  /** Only this model (default: every model). */
  model?: string
  /** For `psi`: only this feature (`score` is the score distribution). */
  feature?: string
  /** For `fairness_gap`: only this attribute and/or measure. */
  attribute?: string
  measure?: string
  /** Where to POST when the rule starts and stops firing. */
  webhook?: string
}

export interface Observation {
  quantity: Quantity
  model: string
  version: string
  value: number
  feature?: string
  attribute?: string
  measure?: string
}

export interface AlertState {
  rule: string
  model: string
  version: string
  firing: boolean
  value: number
  since: string
  feature?: string
  attribute?: string
  measure?: string
}

/** The gauge each quantity is exported as; docs/deploy/alerts.yml alerts on these names. */
const GAUGES: Record<Quantity, { name: string; help: string }> = {
  auroc: { name: 'nexora_model_auroc', help: 'AUROC on predictions with outcomes in the last evaluation window' },
  auprc: { name: 'nexora_model_auprc', help: 'Average precision on predictions with outcomes in the last evaluation window' },
  brier: { name: 'nexora_model_brier', help: 'Brier score on predictions with outcomes in the last evaluation window' },
  ece: { name: 'nexora_model_ece', help: 'Expected calibration error (10 uniform bins) in the last evaluation window' },
  psi: { name: 'nexora_feature_psi', help: 'PSI of a feature (or of the score) against the training profile' },
  fairness_gap: { name: 'nexora_fairness_gap', help: 'Largest between-group gap of a fairness measure' },
  score_drift: { name: 'nexora_score_drift_detected', help: '1 when the ADWIN detector on the score stream has detected a change' },
  calibration_slope: {
    name: 'nexora_model_calibration_slope',
    help: 'Calibration slope (logistic recalibration of the outcome on logit(score)) in the last evaluation window',
  },
  override_rate: { name: 'nexora_model_override_rate', help: 'Share of predictions clinicians overrode (feedback) in the last evaluation window' },
  estimated_auroc: { name: 'nexora_model_estimated_auroc', help: 'AUROC estimated from the scores (CBPE) over the last evaluation window, outcomes or not' },
  estimated_ppv: { name: 'nexora_model_estimated_ppv', help: 'PPV at the model threshold estimated from the scores (CBPE) over the last evaluation window' },
  estimated_sensitivity: {
    name: 'nexora_model_estimated_sensitivity',
    help: 'Sensitivity at the model threshold estimated from the scores (CBPE) over the last evaluation window',
  },
  estimated_brier: { name: 'nexora_model_estimated_brier', help: 'Brier score estimated from the scores (CBPE) over the last evaluation window' },
}

const labelsOf = (o: Observation) => ({
  model: o.model,
  version: o.version,
  ...(o.feature !== undefined ? { feature: o.feature } : {}),
  ...(o.attribute !== undefined ? { attribute: o.attribute } : {}),
  ...(o.measure !== undefined ? { measure: o.measure } : {}),
})

const matches = (r: AlertRule, o: Observation) =>
  r.quantity === o.quantity &&
  (!r.model || r.model === o.model) &&
  (!r.feature || r.feature === o.feature) &&
  (!r.attribute || r.attribute === o.attribute) &&
  (!r.measure || r.measure === o.measure)

/**
 * Threshold alert rules over monitored quantities. Every observation is exported as a gauge;
 * a rule fires on the first observation past its threshold and resolves on the first one back
 * within it. Each transition POSTs to the rule's webhook (`alert.firing` / `alert.resolved`).
 * NaN (e.g. AUROC with one class) neither fires nor resolves.
 */
export function alertEngine(rules: AlertRule[], deps: { metrics: MetricsRegistry; webhooks: WebhookDelivery; now: () => number }) {
  const gauges = new Map<Quantity, Gauge>()
  const gauge = (q: Quantity) => gauges.get(q) ?? gauges.set(q, deps.metrics.gauge(GAUGES[q].name, GAUGES[q].help)).get(q)!
  const firingGauge = deps.metrics.gauge('nexora_alert_firing', 'Alert rules firing (1) or not (0), per rule, model and version')
  const states = new Map<string, AlertState>()
  const listeners: ((rule: AlertRule, o: Observation) => void)[] = []

  function observe(observations: Observation[]) {
    for (const o of observations) {
      if (!Number.isFinite(o.value)) continue
      gauge(o.quantity).set(labelsOf(o), o.value)
      for (const rule of rules) {
        if (!matches(rule, o)) continue
        const firing = rule.op === 'above' ? o.value > rule.threshold : o.value < rule.threshold
        const key = JSON.stringify([rule.id, labelsOf(o)])
        const before = states.get(key)
        const since = before && before.firing === firing ? before.since : new Date(deps.now()).toISOString()
        states.set(key, { rule: rule.id, ...labelsOf(o), firing, value: o.value, since })
        firingGauge.set({ rule: rule.id, model: o.model, version: o.version }, firing ? 1 : 0)
        if (firing && !(before?.firing ?? false)) for (const listener of listeners) listener(rule, o)
        if ((before?.firing ?? false) !== firing && rule.webhook) {
          void deps.webhooks.send(rule.webhook, firing ? 'alert.firing' : 'alert.resolved', {
            rule: rule.id,
            quantity: rule.quantity,
            op: rule.op,
            threshold: rule.threshold,
            value: o.value,
            ...labelsOf(o),
          })
        }
      }
    }
  }

  /** Be told when a rule starts firing (a canary's rollback rule). */
  const onFiring = (listener: (rule: AlertRule, o: Observation) => void) => {
    listeners.push(listener)
  }

  return { rules, observe, onFiring, states: () => [...states.values()] }
}

export type AlertEngine = ReturnType<typeof alertEngine>
