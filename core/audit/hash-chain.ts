import { canonicalJson } from '../canonical-json.ts'
import { sha256Hex, webCryptoSha256, type Sha256 } from '../digest.ts'
import type { AuditCheckpoint, AuditEvent, AuditEventInput, VerifyResult } from '../ports/audit.ts'
import { storableContext, storableOptional, storableText } from './storable.ts'

/** The `prevHash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64)

export interface ChainHead {
  seq: number
  hash: string
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH }

/** The hashed fields, with absent values as null so a stored row hashes like the original. */
function body(event: AuditEventInput, seq: number, prevHash: string) {
  return {
    seq,
    ts: event.ts,
    actor: event.actor,
    action: event.action,
    outcome: event.outcome,
    patientRef: event.patientRef ?? null,
    model: event.model ?? null,
    version: event.version ?? null,
    reason: event.reason ?? null,
    requestId: event.requestId ?? null,
    ip: event.ip ?? null,
    context: event.context ?? {},
    prevHash,
  }
}

/** SHA-256 over `prevHash` + the RFC 8785 canonical JSON of the event (WebCrypto by default). */
export async function hashEvent(event: AuditEventInput, seq: number, prevHash: string, sha256: Sha256 = webCryptoSha256): Promise<string> {
  return sha256Hex(prevHash + canonicalJson(body(event, seq, prevHash)), sha256)
}

/** An input in the form every store keeps exactly (see storable.ts). */
function storable(event: AuditEventInput): AuditEventInput {
  return {
    ts: storableText(event.ts), actor: storableText(event.actor), action: storableText(event.action), outcome: event.outcome,
    patientRef: storableOptional(event.patientRef), model: storableOptional(event.model), version: storableOptional(event.version),
    reason: storableOptional(event.reason), requestId: storableOptional(event.requestId), ip: storableOptional(event.ip),
    context: storableContext(event.context),
  }
}

/**
 * Give a batch its sequence numbers and chain hashes, continuing from `head`. Each event is
 * first put in its storable form, so what is hashed is what the store will return.
 */
export async function sealEvents(head: ChainHead, inputs: AuditEventInput[], sha256: Sha256 = webCryptoSha256): Promise<AuditEvent[]> {
  const sealed: AuditEvent[] = []
  let { seq, hash } = head
  for (const input of inputs.map(storable)) {
    seq += 1
    const next = await hashEvent(input, seq, hash, sha256)
    sealed.push({ ...body(input, seq, hash), hash: next })
    hash = next
  }
  return sealed
}

/**
 * Walk events in `seq` order and report the first one that breaks the chain: an edited
 * field (hash mismatch), a deleted or inserted row (seq gap or prevHash mismatch) or a reorder.
 * `start` is the head just before the first event (genesis for a full check).
 */
export async function verifyChain(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>, start: ChainHead = EMPTY_HEAD, sha256: Sha256 = webCryptoSha256): Promise<VerifyResult> {
  let expected = start
  let count = 0
  for await (const event of events) {
    count += 1
    if (event.seq !== expected.seq + 1) return { ok: false, events: count, firstBadSeq: expected.seq + 1, reason: 'sequence_gap' }
    if (event.prevHash !== expected.hash) return { ok: false, events: count, firstBadSeq: event.seq, reason: 'broken_link' }
    const recomputed = await hashEvent(event, event.seq, event.prevHash, sha256)
    if (recomputed !== event.hash) return { ok: false, events: count, firstBadSeq: event.seq, reason: 'hash_mismatch' }
    expected = { seq: event.seq, hash: event.hash }
  }
  return { ok: true, events: count }
}

/**
 * Hold a verified chain against the latest checkpoint: its seq must still exist (else the tail
 * was truncated) and carry the same hash (else the tail was rewritten and re-chained).
 */
export function checkAgainstCheckpoint(result: VerifyResult, checkpoint: AuditCheckpoint | undefined, hashAt: string | undefined): VerifyResult {
  if (!result.ok || !checkpoint) return checkpoint ? { ...result, checkpoint } : result
  if (hashAt === undefined) return { ok: false, events: result.events, firstBadSeq: result.events + 1, reason: 'truncated', checkpoint }
  if (hashAt !== checkpoint.hash) return { ok: false, events: result.events, firstBadSeq: checkpoint.seq, reason: 'checkpoint_mismatch', checkpoint }
  return { ...result, checkpoint }
}
