import { api, ApiError, type Query } from '../../api/client.ts'

/** One audit event as GET /audit/events answers it: the core's type (type-only, nothing is bundled). */
export type { AuditEvent } from '../../../core/ports/audit.ts'
import type { AuditEvent } from '../../../core/ports/audit.ts'
export interface EventsPage {
  events: AuditEvent[]
  nextAfter?: number
}

/** The viewer's filters, as typed (dates are `YYYY-MM-DD` in the viewer's time zone). */
export interface Filters {
  actor: string
  patient: string
  action: string
  model: string
  outcome: string
  from: string
  to: string
}
export const NO_FILTERS: Filters = { actor: '', patient: '', action: '', model: '', outcome: '', from: '', to: '' }

/** `from` is the start of its day, `to` the end of its day, both local time, sent as UTC instants. */
export function filterQuery(f: Filters): Query {
  const day = (d: string, plusDays = 0) => {
    const t = new Date(`${d}T00:00:00`)
    t.setDate(t.getDate() + plusDays)
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString()
  }
  return {
    actor: f.actor.trim() || undefined,
    patient: f.patient.trim() || undefined,
    action: f.action.trim() || undefined,
    model: f.model.trim() || undefined,
    outcome: f.outcome || undefined,
    from: f.from ? day(f.from) : undefined,
    to: f.to ? day(f.to, 1) : undefined,
  }
}

export const formatTime = (iso: string) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Retry a call the rate limiter turned away (429), backing off a little each time. */
export async function withRetry<T>(call: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call()
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 429) || i >= tries - 1) throw e
      await sleep(500 * (i + 1))
    }
  }
}

export interface FetchProgress {
  events: number
  pages: number
}

/**
 * Every page of a filtered query, following the keyset cursor (`after`), 1000 events a call.
 * `onProgress` hears after each page; `signal` stops between pages.
 */
export async function fetchAllEvents(query: Query, onProgress: (p: FetchProgress) => void, signal?: AbortSignal): Promise<AuditEvent[]> {
  const all: AuditEvent[] = []
  let after: number | undefined
  let pages = 0
  for (;;) {
    if (signal?.aborted) throw new DOMException('Cancelled', 'AbortError')
    const page = await withRetry(() => api.get<EventsPage>('/audit/events', { ...query, limit: 1000, after }))
    all.push(...page.events)
    pages++
    onProgress({ events: all.length, pages })
    if (page.nextAfter === undefined || page.events.length === 0) return all
    after = page.nextAfter
  }
}
