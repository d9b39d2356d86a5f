import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import {
  FEEDBACK_ACTION,
  SCOPES,
  type AppEnv,
  type AuditEvent,
  type AuditFilter,
  type FeedbackEventContext,
  type FrontDoorContext,
  type RoutePolicy,
} from '../../../core/index.ts'
import type { Observation } from './alerts.ts'

export interface OverrideRate {
  model: string
  /** Null for feedback on cards the trail does not know (sent by another client, or too old). */
  version: string | null
  /** Assessments made through CDS Hooks (successful predictions with `via: cds-hooks`). */
  assessments: number
  /** Cards with feedback; a card reported twice counts once, by its latest report. */
  cards: number
  accepted: number
  overridden: number
  /** overridden / cards, or null without feedback. */
  overrideRate: number | null
  /** Override reasons by coding, most frequent first (`none` when no reason was given). */
  reasons: { system: string | null; code: string; count: number }[]
}

type Ctx = Record<string, unknown>
const keyOf = (model: string, version: string | null) => `${model}\u0000${version ?? ''}`

/**
 * Override rates per model and version, from the audit trail alone: the `cds.feedback` events
 * the CDS Hooks front door records, and the CDS Hooks assessments (`predict.response`) as the
 * denominator of how often a card drew feedback at all.
 * @example
 * overrideRates(feedbackEvents, responseEvents) // [{ model: 'readmission-fhir', version: '1.0.0', cards: 40, overridden: 9, overrideRate: 0.225, … }]
 */
export function overrideRates(feedback: AuditEvent[], responses: AuditEvent[]): OverrideRate[] {
  const rows = new Map<string, OverrideRate>()
  const row = (model: string, version: string | null) => {
    const key = keyOf(model, version)
    let r = rows.get(key)
    if (!r) rows.set(key, (r = { model, version, assessments: 0, cards: 0, accepted: 0, overridden: 0, overrideRate: null, reasons: [] }))
    return r
  }
  for (const e of responses) if (e.outcome === 'success' && e.model && (e.context as Ctx).via === 'cds-hooks') row(e.model, e.version ?? null).assessments++
  const latest = new Map<string, AuditEvent>()
  // Stored events are data, not checked types: every field is read defensively.
  const feedbackOf = (e: AuditEvent) => e.context as Partial<FeedbackEventContext>
  for (const e of feedback) {
    const c = feedbackOf(e)
    const card = `${String(c.model)}\u0000${String(c.card)}`
    if ((latest.get(card)?.seq ?? -1) < e.seq) latest.set(card, e)
  }
  const reasons = new Map<string, Map<string, { system: string | null; code: string; count: number }>>()
  for (const e of latest.values()) {
    const c = feedbackOf(e)
    const r = row(String(c.model), typeof c.version === 'string' ? c.version : null)
    r.cards++
    if (c.outcome === 'accepted') {
      r.accepted++
      continue
    }
    r.overridden++
    const coding = c.reason
    const byCode = reasons.get(keyOf(r.model, r.version)) ?? reasons.set(keyOf(r.model, r.version), new Map()).get(keyOf(r.model, r.version))!
    const k = coding?.code ? `${coding.system ?? ''}|${coding.code}` : 'none'
    const entry = byCode.get(k) ?? byCode.set(k, { system: coding?.system ?? null, code: coding?.code ?? 'none', count: 0 }).get(k)!
    entry.count++
  }
  for (const [key, r] of rows) {
    r.overrideRate = r.cards ? r.overridden / r.cards : null
    r.reasons = [...(reasons.get(key)?.values() ?? [])].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
  }
  return [...rows.values()].sort((a, b) => a.model.localeCompare(b.model) || (a.version ?? '').localeCompare(b.version ?? ''))
}

const MAX_EVENTS = 200_000
const isoDate = z.string().datetime({ offset: true })
const Report = z
  .object({ from: z.string(), to: z.string(), truncated: z.boolean(), models: z.array(z.record(z.string(), z.unknown())) })
  .openapi('OverrideReport')
const route = createRoute({
  method: 'get',
  path: '/monitoring/overrides',
  tags: ['monitoring'],
  summary: 'CDS Hooks card feedback: override rates and reasons per model and version',
  request: {
    query: z.object({ model: z.string().min(1).max(128).optional(), version: z.string().max(64).optional(), from: isoDate.optional(), to: isoDate.optional() }),
  },
  responses: {
    200: { content: { 'application/json': { schema: Report } }, description: 'Rates per model and version (default window: the last 30 days)' },
    400: { content: { 'application/problem+json': { schema: z.object({ code: z.string() }).passthrough() } }, description: 'Bad request' },
  },
})

/** Override rates over [from, to), read from the audit trail page by page (at most MAX_EVENTS of each kind). */
export async function readOverrideRates(ctx: Pick<FrontDoorContext, 'audit'>, q: { from: string; to: string; model?: string; version?: string }) {
  let truncated = false
  const read = async (filter: Omit<AuditFilter, 'from' | 'to'>) => {
    const out: AuditEvent[] = []
    for (let after: number | undefined; ; ) {
      const page = await ctx.audit.queryLogs(q.from, q.to, filter, { limit: 1000, afterSeq: after })
      out.push(...page.events)
      if (page.nextAfterSeq === undefined || page.events.length === 0) return out
      if (out.length >= MAX_EVENTS) {
        truncated = true
        return out
      }
      after = page.nextAfterSeq
    }
  }
  const [feedback, responses] = await Promise.all([
    read({ action: FEEDBACK_ACTION }),
    read({ action: 'predict.response', ...(q.model ? { model: q.model } : {}) }),
  ])
  const models = overrideRates(feedback, responses).filter((r) => (!q.model || r.model === q.model) && (!q.version || r.version === q.version))
  return { truncated, models }
}

/** Override rates as alert observations (quantity `override_rate`), counted by cards with feedback. */
export const overrideObservations = (rates: OverrideRate[]) =>
  rates
    .filter((r) => r.version !== null && r.overrideRate !== null)
    .map((r) => ({ n: r.cards, observation: { quantity: 'override_rate' as const, model: r.model, version: r.version!, value: r.overrideRate! } }))

/** `GET /monitoring/overrides`: the override report; each rate is also an `override_rate` observation for the alert rules. */
export function overrideRoutes(app: OpenAPIHono<AppEnv>, ctx: FrontDoorContext, observe?: (n: number, list: Observation[]) => void) {
  app.openapi(route, async (c) => {
    const q = c.req.valid('query')
    // [from, to): by default up to and including now.
    const to = q.to ?? new Date(ctx.clock.now() + 1).toISOString()
    const from = q.from ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString()
    const { truncated, models } = await readOverrideRates(ctx, { from, to, model: q.model, version: q.version })
    for (const { n, observation } of overrideObservations(models)) observe?.(n, [observation])
    return c.json({ from, to, truncated, models: models as unknown as Record<string, unknown>[] }, 200)
  })
}

export const overridePolicies: Record<string, RoutePolicy> = {
  // Rates over every patient's cards: not for a patient-context token.
  'GET /monitoring/overrides': { access: { anyOf: [SCOPES.monitor, SCOPES.auditRead] }, rate: 'read', audit: 'middleware', patientContext: 'refuse' },
}
