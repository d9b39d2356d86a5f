import type { AuditEventInput } from '../ports/audit.ts'

export interface RefusalAuditOptions {
  /** One window per key: its first refusal is recorded in full, the rest as one count. Default 60 s. */
  windowMs?: number
  /** Keys tracked at once; refusals beyond it share one overflow key. Default 10 000. */
  maxKeys?: number
}

interface Window {
  start: number
  /** The first refusal of the window: the summary copies its actor, address and route. */
  first: AuditEventInput
  suppressed: number
  reasons: Record<string, number>
}

export interface RefusalAudit {
  /**
   * The events to commit for one refusal under `key` (an address or a principal): the refusal
   * itself when it opens a window, nothing when it only adds to the window's count, and the
   * summaries of any windows that have ended.
   */
  note(key: string, event: AuditEventInput, now: number): AuditEventInput[]
  /** Summaries of every window still counting (on shutdown). */
  flush(now: number): AuditEventInput[]
}

const OVERFLOW_KEY = '(overflow)'

/**
 * Refusals (bad tokens, rate limits) keep the audit trail bounded under a flood without losing
 * the fact: per key and window, the first refusal is an event of its own and the others become
 * one `audit.suppressed` event with their count and reason codes. So 800 bad tokens from one
 * address in ten seconds leave two events, not 800. Windows close lazily, when a later refusal
 * or a shutdown looks at them: no timer, so it works where timers die with the request (Workers).
 */
export function createRefusalAudit(options: RefusalAuditOptions = {}): RefusalAudit {
  const windowMs = options.windowMs ?? 60_000
  const maxKeys = options.maxKeys ?? 10_000
  const windows = new Map<string, Window>()
  let nextSweep = 0

  const summary = (key: string, w: Window, now: number): AuditEventInput => ({
    ts: new Date(now).toISOString(),
    actor: w.first.actor,
    action: 'audit.suppressed',
    outcome: 'denied',
    reason: w.first.action,
    ip: w.first.ip ?? null,
    requestId: null,
    patientRef: null,
    context: {
      key,
      count: w.suppressed,
      reasons: w.reasons,
      from: new Date(w.start).toISOString(),
      to: new Date(Math.min(now, w.start + windowMs)).toISOString(),
    },
  })

  function sweep(now: number, all: boolean): AuditEventInput[] {
    const out: AuditEventInput[] = []
    for (const [key, w] of windows) {
      if (!all && now < w.start + windowMs) continue
      if (w.suppressed > 0) out.push(summary(key, w, now))
      windows.delete(key)
    }
    nextSweep = now + windowMs
    return out
  }

  return {
    note(key, event, now) {
      const out = now >= nextSweep ? sweep(now, false) : []
      const k = windows.has(key) || windows.size < maxKeys ? key : OVERFLOW_KEY
      const open = windows.get(k)
      if (open && now < open.start + windowMs) {
        open.suppressed += 1
        const reason = event.reason ?? event.action
        open.reasons[reason] = (open.reasons[reason] ?? 0) + 1
        return out
      }
      if (open && open.suppressed > 0) out.push(summary(k, open, now))
      windows.set(k, { start: now, first: event, suppressed: 0, reasons: {} })
      out.push(event)
      return out
    },
    flush: (now) => sweep(now, true),
  }
}
