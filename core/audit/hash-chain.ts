import { canonicalJson } from '../canonical-json.ts'
import { sha256Hex, webCryptoSha256, type Sha256 } from '../digest.ts'
import type { AuditCheckpoint, AuditEvent, AuditEventInput, ChainBreak, VerifyResult } from '../ports/audit.ts'
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
    ts: storableText(event.ts),
    actor: storableText(event.actor),
    action: storableText(event.action),
    outcome: event.outcome,
    patientRef: storableOptional(event.patientRef),
    model: storableOptional(event.model),
    version: storableOptional(event.version),
    reason: storableOptional(event.reason),
    requestId: storableOptional(event.requestId),
    ip: storableOptional(event.ip),
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

/** Broken ranges kept at most; a trail torn in more places says so with `moreBreaks`. */
const MAX_BREAKS = 1000

/** Collects broken ranges, joining a break onto the previous one when it continues it. */
function breakList() {
  const breaks: ChainBreak[] = []
  let more = false
  return {
    breaks,
    get more() {
      return more
    },
    add(fromSeq: number, toSeq: number, reason: ChainBreak['reason']) {
      const last = breaks.at(-1)
      if (last && last.reason === reason && fromSeq === last.toSeq + 1) last.toSeq = toSeq
      else if (breaks.length < MAX_BREAKS) breaks.push({ fromSeq, toSeq, reason })
      else more = true
    },
  }
}

/** A result from its breaks: `firstBadSeq` and `reason` name the first, `breaks` lists every one. */
function resultOf(events: number, list: ReturnType<typeof breakList>, checkpoint?: AuditCheckpoint): VerifyResult {
  const first = list.breaks[0]
  return {
    ok: !first,
    events,
    ...(first ? { firstBadSeq: first.fromSeq, reason: first.reason, breaks: list.breaks, ...(list.more ? { moreBreaks: true } : {}) } : {}),
    ...(checkpoint ? { checkpoint } : {}),
  }
}

/**
 * Walk events in `seq` order and report every range that breaks the chain: an edited field
 * (hash mismatch), deleted rows (a sequence gap), an inserted or re-linked row (broken link) or
 * a reorder. The walk goes on after a break, re-anchored on the row it stands on, so a trail
 * tampered in three places reports three ranges. `start` is the head just before the first event.
 */
export async function verifyChain(
  events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>,
  start: ChainHead = EMPTY_HEAD,
  sha256: Sha256 = webCryptoSha256,
): Promise<VerifyResult> {
  let expected = start
  let count = 0
  const list = breakList()
  for await (const event of events) {
    count += 1
    if (event.seq > expected.seq + 1) list.add(expected.seq + 1, event.seq - 1, 'sequence_gap')
    else if (event.seq <= expected.seq) list.add(event.seq, event.seq, 'sequence_gap')
    // A link can be judged only against the row just before it; after a gap there is none.
    else if (event.prevHash !== expected.hash) list.add(event.seq, event.seq, 'broken_link')
    const recomputed = await hashEvent(event, event.seq, event.prevHash, sha256)
    if (recomputed !== event.hash) list.add(event.seq, event.seq, 'hash_mismatch')
    if (event.seq > expected.seq) expected = { seq: event.seq, hash: event.hash }
  }
  return resultOf(count, list)
}

/**
 * Hold a verified chain against a recorded checkpoint: its seq must still exist (else the tail
 * was truncated) and carry the same hash (else rows up to it were rewritten and re-chained).
 * `lastSeq` is the stored head's seq; the breaks found so far are kept.
 */
export function checkAgainstCheckpoint(
  result: VerifyResult,
  checkpoint: AuditCheckpoint | undefined,
  hashAt: string | undefined,
  lastSeq: number,
): VerifyResult {
  if (!checkpoint) return result
  const list = breakList()
  for (const b of result.breaks ?? []) list.add(b.fromSeq, b.toSeq, b.reason)
  // A missing row below the head is a gap the walk has already reported; above it, the tail is gone.
  if (hashAt === undefined && checkpoint.seq > lastSeq) list.add(lastSeq + 1, checkpoint.seq, 'truncated')
  else if (hashAt !== undefined && hashAt !== checkpoint.hash) list.add(checkpoint.seq, checkpoint.seq, 'checkpoint_mismatch')
  return resultOf(result.events, list, checkpoint)
}
