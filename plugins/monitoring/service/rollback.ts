import type { FrontDoorContext, Logger } from '../../../core/index.ts'
import type { WebhookDelivery } from './webhooks.ts'

/** The rule name a canary's `rollbackOn` uses for a severe adverse event reported against the model. */
export const ADVERSE_EVENT_RULE = 'adverse_event'

/**
 * Returns a model's traffic to its champion when a rule its canary names fires: an alert rule by
 * id, or `adverse_event` for a report at an alerting severity. The rollback is committed to the
 * audit trail (`model.rollback`, actor `monitoring`) before the webhooks hear of it (`model.rollback`).
 */
export function canaryGuard(o: { lifecycle: FrontDoorContext['lifecycle']; webhooks: WebhookDelivery; hooks: string[]; logger: Logger }) {
  const inFlight = new Set<Promise<unknown>>()
  async function trip(model: string, rule: string, extraHook?: string) {
    const canary = (await o.lifecycle.state(model)).canary
    if (!canary?.rollbackOn.includes(rule)) return false
    const reason = rule === ADVERSE_EVENT_RULE ? ADVERSE_EVENT_RULE : `alert.${rule}`
    if (!(await o.lifecycle.rollback(model, 'monitoring', reason))) return false
    const payload = { model, version: canary.version, champion: canary.champion, reason, rule }
    for (const url of new Set([...o.hooks, ...(extraHook ? [extraHook] : [])])) void o.webhooks.send(url, 'model.rollback', payload)
    return true
  }
  return {
    /** Fire and forget (alert listeners are synchronous); failures are logged by code. */
    trip(model: string, rule: string, extraHook?: string) {
      const run = trip(model, rule, extraHook).catch((e) => o.logger.error('canary.rollback_failed', { code: (e as { code?: string }).code ?? 'internal' }))
      inFlight.add(run)
      void run.finally(() => inFlight.delete(run))
    },
    /** Wait for rollbacks under way (evaluate answers after them; close). */
    async settle() {
      await Promise.allSettled([...inFlight])
    },
  }
}
