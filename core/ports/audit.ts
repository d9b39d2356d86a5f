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
  /** `sequence_gap`, `broken_link`, `hash_mismatch`, `truncated` or `checkpoint_mismatch`. */
  reason?: string
  /** The latest checkpoint the stored chain was held against, on a full verification. */
  checkpoint?: AuditCheckpoint
}

/** A recorded chain head: a later truncation of the tail, or a rewrite of it, no longer matches. */
export interface AuditCheckpoint {
  seq: number
  hash: string
  ts: string
}

/**
 * The append-only audit trail. `append` commits a whole batch durably in one transaction
 * and resolves only after the commit: the pipeline relies on that before it answers.
 */
export interface AuditSink {
  append(events: AuditEventInput[]): Promise<AuditReceipt[]>
  query(filter: AuditFilter, page: AuditPage): Promise<{ events: AuditEvent[]; nextAfterSeq?: number }>
  /** Verify the chain; without a range, also against the latest checkpoint. */
  verify(range?: { fromSeq?: number; toSeq?: number }): Promise<VerifyResult>
  /** Record the current head (nothing when the trail is empty). */
  checkpoint(ts: string): Promise<AuditCheckpoint | undefined>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}
