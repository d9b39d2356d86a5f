/**
 * The `NEXORA_*` environment variables and the configuration key each one sets. One table, so
 * `nexora serve` and every runtime adapter read the same names, and docs/configuration.md is
 * checked against it (test/config/docs.test.ts).
 */
export type EnvKind = 'string' | 'int' | 'number' | 'bool' | 'list' | 'json' | 'port-or-off'

export interface EnvVariable {
  name: string
  /** The configuration key it sets, as a path. */
  path: string[]
  kind: EnvKind
  /** Older names still read (documented as aliases). */
  aliases?: string[]
}

const v = (name: string, path: string, kind: EnvKind = 'string', aliases?: string[]): EnvVariable => ({
  name,
  path: path.split('.'),
  kind,
  ...(aliases ? { aliases } : {}),
})

export const ENV_VARIABLES: readonly EnvVariable[] = [
  v('PORT', 'port', 'int'),
  v('HOST', 'host'),
  v('NEXORA_GRPC_PORT', 'grpcPort', 'int'),
  v('NEXORA_DATA_DIR', 'dataDir'),
  v('NEXORA_LOG_LEVEL', 'logLevel'),
  v('NEXORA_DRAIN_MS', 'drainMs', 'int'),
  v('NEXORA_DB', 'storage.url'),
  v('NEXORA_DB_DURABILITY', 'storage.durability'),
  v('NEXORA_DB_AUDIT_THREAD', 'storage.auditThread', 'bool'),
  v('NEXORA_JWKS', 'auth.jwks', 'json'),
  v('NEXORA_JWKS_FILE', 'auth.jwksFile'),
  v('NEXORA_JWKS_URL', 'auth.jwksUrl'),
  v('NEXORA_JWT_ISSUERS', 'auth.issuers', 'list'),
  v('NEXORA_JWT_AUDIENCE', 'auth.audience'),
  v('NEXORA_RATE_LIMITS', 'rateLimits', 'json'),
  v('NEXORA_SHARED_RATE_LIMITS', 'sharedRateLimits', 'bool'),
  v('NEXORA_MAX_ROWS', 'limits.maxRows', 'int'),
  v('NEXORA_BODY_LIMIT_BYTES', 'limits.bodyBytes', 'int'),
  v('NEXORA_REQUEST_TIMEOUT_MS', 'limits.requestTimeoutMs', 'int'),
  v('NEXORA_CORS_ORIGINS', 'cors.origins', 'list'),
  v('NEXORA_FHIR_URL', 'fhir.url'),
  v('NEXORA_FHIR_TOKEN', 'fhir.token'),
  v('NEXORA_FHIR_CLIENT_ID', 'fhir.clientId'),
  v('NEXORA_FHIR_KEY_FILE', 'fhir.keyFile'),
  v('NEXORA_FHIR_ALG', 'fhir.alg'),
  v('NEXORA_FHIR_KID', 'fhir.kid'),
  v('NEXORA_FHIR_SCOPE', 'fhir.scope'),
  v('NEXORA_DEV_FHIR_PORT', 'fhir.devServer.port', 'port-or-off'),
  v('NEXORA_DEV_FHIR_PATIENTS', 'fhir.devServer.patients', 'int'),
  v('NEXORA_MONITORING_KEY_FILE', 'monitoring.keyFile'),
  v('NEXORA_MONITORING_CONFIG', 'monitoring.configFile'),
  v('NEXORA_CDS_HOOKS_CONFIG', 'cdsHooks.configFile'),
  v('NEXORA_SITE_DIR', 'webUi.siteDir'),
  v('NEXORA_UI_CONNECT_SRC', 'webUi.connectSrc', 'list'),
  v('NEXORA_OIDC_ISSUER', 'webUi.oidc.issuer'),
  v('NEXORA_OIDC_CLIENT_ID', 'webUi.oidc.clientId'),
  v('NEXORA_OIDC_SCOPE', 'webUi.oidc.scope'),
  v('NEXORA_SMART_CLIENT_ID', 'webUi.smart.clientId'),
  v('NEXORA_SMART_ISSUERS', 'webUi.smart.issuers', 'list'),
  v('NEXORA_SMART_JWKS_URL', 'webUi.smart.jwksUrl'),
  v('NEXORA_SMART_SCOPE', 'webUi.smart.scope'),
  v('NEXORA_AUDIT_SIGNING_KEY_FILE', 'audit.signingKeyFile'),
  v('NEXORA_AUDIT_WITNESSES', 'audit.witnesses', 'list'),
  v('NEXORA_AUDIT_PUBLIC_KEYS_FILE', 'audit.publicKeysFile'),
  v('NEXORA_AUDIT_WITNESS_TOKEN', 'audit.witnessToken'),
  v('NEXORA_DEID_KEY_FILE', 'deid.keyFile'),
  v('NEXORA_MODEL_TRUSTED_KEYS', 'models.trustedKeys', 'json'),
  v('NEXORA_MODEL_TRUSTED_KEYS_FILE', 'models.trustedKeysFile'),
  v('NEXORA_MODEL_REQUIRE_SIGNATURE', 'models.requireSignature'),
  v('NEXORA_MODEL_APPROVALS', 'models.approvals'),
  v('NEXORA_FEED_MODELS', 'feeds.models', 'list'),
  v('NEXORA_FEED_DEBOUNCE_MS', 'feeds.debounceMs', 'int'),
  v('NEXORA_FEED_THRESHOLD', 'feeds.threshold', 'number'),
  v('NEXORA_FEED_WEBHOOK', 'feeds.webhook'),
  v('NEXORA_MLLP_PORT', 'feeds.mllpPort', 'int'),
  v('NEXORA_MLLP_HOST', 'feeds.mllpHost'),
  v('NEXORA_FEED_SUBSCRIBE', 'feeds.subscribe', 'bool'),
  v('NEXORA_FEED_NOTIFY_URL', 'feeds.notifyUrl'),
  v('NEXORA_FEED_NOTIFY_TOKEN', 'feeds.notifyToken'),
  v('NEXORA_JOBS_QUEUE', 'jobs.queue'),
  v('NEXORA_JOBS_URL', 'jobs.url'),
  v('NEXORA_JOBS_WORKER', 'jobs.worker', 'bool'),
  v('NEXORA_JOBS_CONCURRENCY', 'jobs.concurrency', 'int'),
  v('NEXORA_JOBS_SHARD_TIMEOUT_MS', 'jobs.shardTimeoutMs', 'int'),
  v('NEXORA_PLUGINS', 'plugins', 'list'),
]

/** The key-set sources: one set from the environment replaces whichever the file named. */
export const JWKS_KEYS = ['jwks', 'jwksFile', 'jwksUrl']

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off'])

/**
 * A variable's text as the value its key takes. What cannot be read is passed on as it is (or as
 * NaN), so the schema reports it at the key's path, with the variable's name beside it.
 */
export function parseEnvValue(kind: EnvKind, text: string): unknown {
  const trimmed = text.trim()
  switch (kind) {
    case 'string':
      return trimmed
    case 'int':
    case 'number':
      return trimmed === '' ? Number.NaN : Number(trimmed)
    case 'bool':
      return TRUE.has(trimmed.toLowerCase()) ? true : FALSE.has(trimmed.toLowerCase()) ? false : trimmed
    case 'list':
      return trimmed
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    case 'port-or-off':
      return FALSE.has(trimmed.toLowerCase()) || trimmed === 'none' ? false : Number(trimmed)
    case 'json':
      try {
        return JSON.parse(trimmed)
      } catch {
        return new NotJson()
      }
  }
}

/** Marks a variable that should hold JSON and does not (the schema rejects it by type). */
export class NotJson {}
