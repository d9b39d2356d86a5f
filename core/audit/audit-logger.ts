import type { JWK } from 'jose'
import { NexoraError } from '../errors.ts'
import type {
  AuditCheckpoint,
  AuditEvent,
  AuditFilter,
  AuditOutcome,
  AuditReceipt,
  AuditSink,
  CheckpointSigner,
  CheckpointWitness,
  SignedCheckpoint,
  VerifyResult,
} from '../ports/audit.ts'
import { signCheckpoint } from './signed-checkpoint.ts'
import { holdAgainstSigned } from './witnessed-verify.ts'
import type { Clock } from '../ports/runtime.ts'
import type { AuditWriter } from './group-commit.ts'
import { generateReport, type AuditReport } from './report.ts'

export interface AccessRecord {
  userId: string
  patientId?: string | null
  ip?: string | null
  requestId?: string | null
  /** Ids, counts, hashes and codes only. */
  context?: Record<string, unknown>
}

/**
 * The seed's PHIAuditLogger on top of the AuditSink port: log prediction requests and data
 * access, query by window and filters, report, verify and checkpoint.
 * @example
 * await nexora.audit.logDataAccess({ userId: 'dr-who', patientId: 'Patient/1', action: 'chart.view' })
 */
export interface AuditLogger {
  logPredictionRequest(record: AccessRecord & { model: string; version?: string }): Promise<AuditReceipt>
  logDataAccess(record: AccessRecord & { action: string; outcome?: AuditOutcome; reason?: string }): Promise<AuditReceipt>
  queryLogs(
    start: string,
    end: string,
    filters?: Omit<AuditFilter, 'from' | 'to'>,
    page?: { limit?: number; afterSeq?: number },
  ): Promise<{ events: AuditEvent[]; nextAfterSeq?: number }>
  generateReport(start: string, end: string): Promise<AuditReport>
  /**
   * Verify the chain; a full verification is also held against the latest stored checkpoint and,
   * with signing configured, every signed checkpoint the witnesses hold and any `checkpoints`
   * (compact JWS) the caller gives.
   */
  verify(range?: { fromSeq?: number; toSeq?: number }, options?: { checkpoints?: string[] }): Promise<VerifyResult>
  /** Record the head; signed and sent to every witness when a signer is configured. */
  checkpoint(): Promise<AuditCheckpoint | SignedCheckpoint | undefined>
}

/** Checkpoint signing and witnesses (optional): see core/audit/signed-checkpoint.ts. */
export interface CheckpointTrust {
  signer?: CheckpointSigner
  witnesses: CheckpointWitness[]
  /** Keys that may have signed the checkpoints being verified (the signer's own, and earlier ones). */
  publicKeys: JWK[]
  /** Told when a witness could not take a checkpoint (the checkpoint itself still stands). */
  onWitnessError?(witness: string): void
}

export function createAuditLogger(sink: AuditSink, writer: AuditWriter, clock: Clock, trust: CheckpointTrust = { witnesses: [], publicKeys: [] }): AuditLogger {
  const now = () => new Date(clock.now()).toISOString()
  const write = async (event: Parameters<AuditWriter['write']>[0][number]) => (await writer.write([event]))[0]!
  return {
    logPredictionRequest: (r) =>
      write({
        ts: now(),
        actor: r.userId,
        action: 'predict.request',
        outcome: 'success',
        patientRef: r.patientId ?? null,
        model: r.model,
        version: r.version ?? null,
        ip: r.ip ?? null,
        requestId: r.requestId ?? null,
        context: r.context ?? {},
      }),
    logDataAccess: (r) =>
      write({
        ts: now(),
        actor: r.userId,
        action: r.action,
        outcome: r.outcome ?? 'success',
        reason: r.reason ?? null,
        patientRef: r.patientId ?? null,
        ip: r.ip ?? null,
        requestId: r.requestId ?? null,
        context: r.context ?? {},
      }),
    queryLogs: (start, end, filters = {}, page = {}) =>
      sink.query({ ...filters, from: start, to: end }, { limit: Math.min(page.limit ?? 100, 1000), afterSeq: page.afterSeq }),
    generateReport: (start, end) => generateReport(sink, start, end),
    async verify(range, options = {}) {
      await writer.drain()
      const result = await sink.verify(range)
      const partial = range?.fromSeq !== undefined || range?.toSeq !== undefined
      if (partial || (!options.checkpoints?.length && trust.witnesses.length === 0)) return result
      if (trust.publicKeys.length === 0)
        throw new NexoraError('audit.signing_unavailable', { detail: 'no public key is configured to check signed checkpoints with' })
      const witnessed = (await Promise.all(trust.witnesses.map((w) => w.list()))).flat()
      return holdAgainstSigned(sink, result, { given: options.checkpoints, witnessed, publicKeys: trust.publicKeys })
    },
    async checkpoint() {
      await writer.drain()
      const checkpoint = await sink.checkpoint(now())
      if (!checkpoint || !trust.signer) return checkpoint
      const signed = await signCheckpoint(checkpoint, trust.signer)
      // Every witness gets it; one that is down does not undo the checkpoint or keep it from the others.
      await Promise.all(trust.witnesses.map((w) => w.publish(signed).catch(() => trust.onWitnessError?.(w.name))))
      return signed
    },
  }
}
