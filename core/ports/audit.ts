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

/** One broken range of the chain, by sequence number (both ends included). */
export interface ChainBreak {
  fromSeq: number
  toSeq: number
  /**
   * `sequence_gap` (rows missing or out of order), `broken_link` (a row's prevHash is not its
   * predecessor's hash), `hash_mismatch` (a row was edited), `truncated` (rows up to a checkpoint
   * are gone) or `checkpoint_mismatch` (rows up to a checkpoint were rewritten and re-chained).
   */
  reason: 'sequence_gap' | 'broken_link' | 'hash_mismatch' | 'truncated' | 'checkpoint_mismatch'
}

export interface VerifyResult {
  ok: boolean
  events: number
  /** The first break's start. */
  firstBadSeq?: number
  /** The first break's reason (see ChainBreak). */
  reason?: string
  /** Every broken range, in order (at most 1000; `moreBreaks` says there were more). */
  breaks?: ChainBreak[]
  moreBreaks?: boolean
  /** The latest checkpoint the stored chain was held against, on a full verification. */
  checkpoint?: AuditCheckpoint
  /** The signed checkpoints (from witnesses or the caller) the chain was held against. */
  signed?: { checked: number; latest?: { seq: number; ts: string; kid: string }; invalid?: number }
}

/** A recorded chain head: a later truncation of the tail, or a rewrite of it, no longer matches. */
export interface AuditCheckpoint {
  seq: number
  hash: string
  ts: string
}

/** A checkpoint signed with a key kept outside the database (see core/audit/signed-checkpoint.ts). */
export interface SignedCheckpoint extends AuditCheckpoint {
  kid: string
  /** The compact JWS: header `{ alg, kid, typ }`, payload `{ seq, hash, ts }`. */
  jws: string
}

/**
 * Signs checkpoints: a key file through WebCrypto (`keyCheckpointSigner`), or a KMS or HSM behind
 * this port. `sign` receives the JWS signing input and returns the raw JWS signature.
 */
export interface CheckpointSigner {
  kid: string
  alg: 'EdDSA' | 'ES384'
  sign(signingInput: Uint8Array): Promise<Uint8Array>
}

/**
 * A second place that keeps signed checkpoints out of the audit database's reach: a file, a URL,
 * another database. `verify` holds the chain against what the witnesses hold.
 */
export interface CheckpointWitness {
  name: string
  publish(checkpoint: SignedCheckpoint): Promise<void>
  /** Every signed checkpoint it holds, as compact JWS strings. */
  list(): Promise<string[]>
  close?(): Promise<void>
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
  /** The stored head (the last event's seq and hash); lets a verifier tell a truncated tail's extent. */
  head?(): Promise<AuditReceipt | undefined>
  health?(): Promise<PortHealth>
  close?(): Promise<void>
}
