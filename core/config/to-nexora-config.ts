import type { NexoraConfig } from '../nexora.ts'
import { modelSignaturesFrom } from './model-keys.ts'
import type { ServerConfig } from './schema.ts'

/**
 * The part of the server configuration `createNexora` itself takes: limits, CORS, rate limits and model signatures.
 * (Storage, authentication and the other plugins are built from the rest by the adapter.)
 * @example createNexora({ plugins, config: { ...nexoraConfigFrom(loadConfig({ get })), getClientIp } })
 */
export function nexoraConfigFrom(config: ServerConfig): NexoraConfig {
  return {
    maxRows: config.limits.maxRows,
    bodyLimitBytes: config.limits.bodyBytes,
    requestTimeoutMs: config.limits.requestTimeoutMs,
    corsOrigins: config.cors.origins,
    rateLimits: config.rateLimits,
    modelSignatures: modelSignaturesFrom(config),
    modelApprovals: config.models.approvals,
  }
}
