import type { PortHealth } from './values.ts'

export type AuditOutcome = 'success' | 'failure' | 'denied'

/** What a caller hands to the audit trail. `context` holds ids, counts, hashes and codes only. */
export interface AuditEventInput {
  ts: string
  actor: string
  action: string
  outcome: AuditOutcome
  patientRef?: string | null
  model?: string | null
  version?: string | null
  reason?: string | null
  requestId?: string | null
  ip?: string | null
  context?: Record<string, unknown>
}

/** A committed event: sequenced and hash-chained (`hash = sha256(prevHash + canonical(event))`). */
export interface AuditEvent extends AuditEventInput {
  context: Record<string, unknown>
  seq: number
  prevHash: string
  hash: string
}

export interface AuditReceipt {
  seq: number
  hash: string
}

export interface AuditFilter {
  from?: string
  to?: string
  actor?: string
  patientRef?: string
  action?: string
  model?: string
  outcome?: AuditOutcome
  requestId?: string
}

export interface AuditPage {
  limit: number
  /** Return events with `seq` greater than this (keyset pagination). */
  afterSeq?: number
}

export interface VerifyResult {
  ok: boolean
  events: number
  firstBadSeq?: number
  reason?: string
}

/**
 * The append-only audit trail. `append` commits a whole batch durably in one transaction
 * and resolves only after the commit: the pipeline relies on that before it answers.
 */
export interface AuditSink {
  append(events: AuditEventInput[]): Promise<AuditReceipt[]>
  query(filter: AuditFilter, page: AuditPage): Promise<{ events: AuditEvent[]; nextAfterSeq?: number }>
  verify(range?: { fromSeq?: number; toSeq?: number }): Promise<VerifyResult>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}
