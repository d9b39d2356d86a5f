import type { JWK } from 'jose'
import { NexoraError } from '../errors.ts'
import type { AuditSink, ChainBreak, SignedCheckpoint, VerifyResult } from '../ports/audit.ts'
import { openCheckpoint } from './signed-checkpoint.ts'

/** The reason when a witness holds a checkpoint that no trusted key signed (someone wrote to the witness). */
const INVALID = 'invalid_signed_checkpoint'

export interface TrustedCheckpoints {
  /** Signed checkpoints the caller holds itself (compact JWS); an invalid one is an error. */
  given?: readonly string[]
  /** Signed checkpoints from witnesses; an invalid one is skipped and counted. */
  witnessed?: readonly string[]
  /** The public keys that may have signed them. */
  publicKeys: readonly JWK[]
}

/**
 * Hold a verified chain against signed checkpoints. The newest one that the stored rows reach
 * must carry the stored hash at its seq; if it does not, a binary search finds the newest one
 * that still does, and the range between the two is reported as rewritten (`checkpoint_mismatch`).
 * A checkpoint beyond the stored head reports the missing tail (`truncated`). Re-chaining a
 * rewrite changes every hash after the edit, so matches are a prefix: the search is exact.
 */
export async function holdAgainstSigned(sink: AuditSink, result: VerifyResult, trust: TrustedCheckpoints): Promise<VerifyResult> {
  const opened: SignedCheckpoint[] = []
  for (const jws of trust.given ?? []) opened.push(await openCheckpoint(jws, trust.publicKeys))
  let invalid = 0
  for (const jws of trust.witnessed ?? []) {
    try {
      opened.push(await openCheckpoint(jws, trust.publicKeys))
    } catch (error) {
      if (!(error instanceof NexoraError)) throw error
      invalid += 1
    }
  }
  if (opened.length === 0) return invalid ? { ...result, ok: false, reason: result.reason ?? INVALID, signed: { checked: 0, invalid } } : result
  const checkpoints = [...new Map(opened.map((c) => [`${c.seq}:${c.hash}`, c])).values()].sort((a, b) => a.seq - b.seq)
  const head = (await sink.head?.())?.seq ?? result.events
  const breaks: ChainBreak[] = [...(result.breaks ?? [])]

  const latest = checkpoints.at(-1)!
  if (latest.seq > head) breaks.push({ fromSeq: head + 1, toSeq: latest.seq, reason: 'truncated' })
  const reachable = checkpoints.filter((c) => c.seq <= head)
  const hashAt = async (seq: number) => {
    const { events } = await sink.query({}, { limit: 1, afterSeq: seq - 1 })
    return events[0]?.seq === seq ? events[0].hash : undefined
  }
  // A row missing at a checkpoint's seq is a gap the chain walk reports; only a present, different hash is a rewrite.
  const matches = async (c: SignedCheckpoint) => {
    const at = await hashAt(c.seq)
    return at === undefined || at === c.hash
  }
  if (reachable.length > 0 && !(await matches(reachable.at(-1)!))) {
    let good = -1
    let bad = reachable.length - 1
    while (bad - good > 1) {
      const middle = (good + bad) >> 1
      if (await matches(reachable[middle]!)) good = middle
      else bad = middle
    }
    breaks.push({ fromSeq: good >= 0 ? reachable[good]!.seq + 1 : 1, toSeq: reachable[bad]!.seq, reason: 'checkpoint_mismatch' })
  }
  const merged = mergeBreaks(breaks)
  const first = merged[0]
  return {
    ...result,
    ok: !first && invalid === 0,
    ...(first ? { firstBadSeq: first.fromSeq, reason: first.reason, breaks: merged } : invalid ? { reason: INVALID } : {}),
    signed: { checked: checkpoints.length, latest: { seq: latest.seq, ts: latest.ts, kid: latest.kid }, ...(invalid ? { invalid } : {}) },
  }
}

/** Breaks in seq order, one per range and reason: the database's own checkpoint and a signed one may both see a truncation. */
function mergeBreaks(breaks: ChainBreak[]): ChainBreak[] {
  const out: ChainBreak[] = []
  for (const b of [...breaks].sort((x, y) => x.fromSeq - y.fromSeq || x.toSeq - y.toSeq)) {
    const same = out.find((o) => o.reason === b.reason && b.fromSeq <= o.toSeq + 1 && b.toSeq >= o.fromSeq - 1)
    if (same) {
      same.fromSeq = Math.min(same.fromSeq, b.fromSeq)
      same.toSeq = Math.max(same.toSeq, b.toSeq)
    } else out.push({ ...b })
  }
  return out
}
