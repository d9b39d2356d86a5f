import { definePlugin, NexoraError, type ComplianceStage, type Logger, type Row } from '../../core/index.ts'
import './errors.ts'
import { detectPhi } from '../phi/index.ts'
import type { PhiOptions, PhiType } from '../phi/index.ts'

/** Which texts of a route's payload must not carry PHI, and what a hit does. */
export interface GuardRule {
  /** The free-text fields to check in the payload the stage receives. */
  texts(payload: unknown): string[]
  action: 'warn' | 'reject'
}

/**
 * On /predict the model only ever sees declared features; the fields that could smuggle PHI in
 * are string feature values outside a declared category list (free text) — a category value is
 * checked by validation, not here.
 */
export const PREDICT_TEXTS: GuardRule['texts'] = (rows) =>
  (rows as Row[]).flatMap((r) => Object.values(r.features).filter((v): v is string => typeof v === 'string' && v.length > 3))

/**
 * An adverse-event report's free text, on POST and PATCH /adverse-events: the description and the
 * type (a category, but typed by a person: "John Smith MRN 998877 fell" fits in it too).
 */
export const ADVERSE_EVENT_TEXTS: GuardRule['texts'] = (payload) => {
  const { type, description } = payload as { type?: unknown; description?: unknown }
  return [type, description].filter((t): t is string => typeof t === 'string')
}

export interface PhiGuardOptions {
  /** Rules per route name (`predict`, `fhir-predict`, `adverse-events`, …). Default: warn on /predict free text and adverse-event descriptions. */
  routes?: Record<string, GuardRule>
  /** Detector options. Default `mode: 'precision'`: a warning stage that cries wolf on every unknown word gets switched off. */
  phi?: PhiOptions
}

function countByType(texts: string[], options?: PhiOptions): Partial<Record<PhiType, number>> {
  const counts: Partial<Record<PhiType, number>> = {}
  for (const text of texts) for (const span of detectPhi(text, options)) counts[span.type] = (counts[span.type] ?? 0) + 1
  return counts
}

/**
 * The `phi-guard` compliance stage: before the model runs, scan the fields a route declares as
 * non-PHI; on a hit, reject with `phi.detected` (422) or log a warning — in both cases with
 * counts by type only, never the text.
 */
export function phiGuardStage(options: PhiGuardOptions = {}, logger?: Logger): ComplianceStage {
  const routes = options.routes ?? { predict: { texts: PREDICT_TEXTS, action: 'warn' }, 'adverse-events': { texts: ADVERSE_EVENT_TEXTS, action: 'warn' } }
  const phiOptions: PhiOptions = { mode: 'precision', ...options.phi }
  return {
    name: 'phi-guard',
    order: 'pre',
    appliesTo: (route) => route in routes,
    async process(ctx, payload) {
      const rule = routes[ctx.route]!
      const counts = countByType(rule.texts(payload), phiOptions)
      const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)
      if (total === 0) return payload
      const summary = Object.entries(counts)
        .map(([type, n]) => `${type}×${n}`)
        .join(', ')
      if (rule.action === 'reject') throw new NexoraError('phi.detected', { detail: summary })
      logger?.warn('phi.detected', { requestId: ctx.requestId, route: ctx.route, count: total, code: summary })
      return payload
    },
  }
}

/** @example await createNexora({ plugins: [..., phiGuard({ routes: { predict: { texts: PREDICT_TEXTS, action: 'reject' } } })] }) */
export function phiGuard(options: PhiGuardOptions = {}) {
  return definePlugin({ name: 'phi-guard', provides: 'complianceStage', requires: ['logger'], setup: (ctx) => phiGuardStage(options, ctx.get('logger')) })
}
