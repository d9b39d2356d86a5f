import type { AuditCheckpoint, AuditEvent, AuditFilter, AuditOutcome, AuditReceipt, AuditSink, VerifyResult } from '../ports/audit.ts'
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
  queryLogs(start: string, end: string, filters?: Omit<AuditFilter, 'from' | 'to'>, page?: { limit?: number; afterSeq?: number }): Promise<{ events: AuditEvent[]; nextAfterSeq?: number }>
  generateReport(start: string, end: string): Promise<AuditReport>
  verify(range?: { fromSeq?: number; toSeq?: number }): Promise<VerifyResult>
  checkpoint(): Promise<AuditCheckpoint | undefined>
}

export function createAuditLogger(sink: AuditSink, writer: AuditWriter, clock: Clock): AuditLogger {
  const now = () => new Date(clock.now()).toISOString()
  const write = async (event: Parameters<AuditWriter['write']>[0][number]) => (await writer.write([event]))[0]!
  return {
    logPredictionRequest: (r) => write({
      ts: now(), actor: r.userId, action: 'predict.request', outcome: 'success', patientRef: r.patientId ?? null,
      model: r.model, version: r.version ?? null, ip: r.ip ?? null, requestId: r.requestId ?? null, context: r.context ?? {},
    }),
    logDataAccess: (r) => write({
      ts: now(), actor: r.userId, action: r.action, outcome: r.outcome ?? 'success', reason: r.reason ?? null,
      patientRef: r.patientId ?? null, ip: r.ip ?? null, requestId: r.requestId ?? null, context: r.context ?? {},
    }),
    queryLogs: (start, end, filters = {}, page = {}) => sink.query({ ...filters, from: start, to: end }, { limit: Math.min(page.limit ?? 100, 1000), afterSeq: page.afterSeq }),
    generateReport: (start, end) => generateReport(sink, start, end),
    async verify(range) {
      await writer.drain()
      return sink.verify(range)
    },
    async checkpoint() {
      await writer.drain()
      return sink.checkpoint(now())
    },
  }
}
