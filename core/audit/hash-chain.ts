import canonicalize from 'canonicalize'
import type { AuditEvent, AuditEventInput, VerifyResult } from '../ports/audit.ts'

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

const encoder = new TextEncoder()

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** SHA-256 over `prevHash` + the RFC 8785 canonical JSON of the event (WebCrypto, every runtime). */
export function hashEvent(event: AuditEventInput, seq: number, prevHash: string): Promise<string> {
  return sha256Hex(prevHash + canonicalize(body(event, seq, prevHash)))
}

/** Give a batch its sequence numbers and chain hashes, continuing from `head`. */
export async function sealEvents(head: ChainHead, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  const sealed: AuditEvent[] = []
  let { seq, hash } = head
  for (const input of inputs) {
    seq += 1
    const next = await hashEvent(input, seq, hash)
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
export async function verifyChain(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>, start: ChainHead = EMPTY_HEAD): Promise<VerifyResult> {
  let expected = start
  let count = 0
  for await (const event of events) {
    count += 1
    if (event.seq !== expected.seq + 1) return { ok: false, events: count, firstBadSeq: expected.seq + 1, reason: 'sequence_gap' }
    if (event.prevHash !== expected.hash) return { ok: false, events: count, firstBadSeq: event.seq, reason: 'broken_link' }
    const recomputed = await hashEvent(event, event.seq, event.prevHash)
    if (recomputed !== event.hash) return { ok: false, events: count, firstBadSeq: event.seq, reason: 'hash_mismatch' }
    expected = { seq: event.seq, hash: event.hash }
  }
  return { ok: true, events: count }
}
