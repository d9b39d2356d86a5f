import { z } from 'zod'

const port = z.int().min(0).max(65535)
const positiveInt = z.int().positive()
const list = z.array(z.string().min(1))

/** One token bucket: `capacity` requests at once, refilled at `refillPerSecond`. */
const Rule = z.strictObject({ capacity: z.number().positive().finite(), refillPerSecond: z.number().positive().finite() })

/** Buckets per rate class, merged over the defaults (core/security/route-policy.ts), or `false` for none. */
const RateLimits = z.union([
  z.strictObject({ predict: Rule, read: Rule, write: Rule, audit: Rule, public: Rule, unauthenticated: Rule }).partial(),
  z.literal(false),
])

const Jwks = z.looseObject({ keys: z.array(z.looseObject({ kty: z.string() })) })

const Auth = z
  .strictObject({
    /** A JSON Web Key Set, inline. */
    jwks: Jwks.optional(),
    /** A file holding the key set (runtimes with a file system). */
    jwksFile: z.string().min(1).optional(),
    /** The issuer's JWKS endpoint. */
    jwksUrl: z.url().optional(),
    issuers: list.default([]),
    audience: z.string().min(1).optional(),
  })
  .refine((a) => [a.jwks, a.jwksFile, a.jwksUrl].filter((v) => v !== undefined).length <= 1, {
    message: 'give one key set: jwks, jwksFile or jwksUrl',
    path: ['jwks'],
  })

const Fhir = z.strictObject({
  url: z.url().optional(),
  token: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  alg: z.enum(['ES384', 'RS384']).default('ES384'),
  kid: z.string().min(1).optional(),
  scope: z.string().min(1).default('system/*.rs system/RiskAssessment.c'),
  /** The synthetic dev FHIR server (dev mode without `url`): its port (default the HTTP port + 1), or `false` for none. */
  devServer: z.strictObject({ port: z.union([port, z.literal(false)]).optional(), patients: positiveInt.default(200) }).prefault({}),
})

const WebUi = z.strictObject({
  /** Another build of the web UI (default site/dist). */
  siteDir: z.string().min(1).optional(),
  /** More origins the app may call (an OIDC token endpoint off its issuer's origin). */
  connectSrc: list.default([]),
  oidc: z.strictObject({ issuer: z.url().optional(), clientId: z.string().min(1).optional(), scope: z.string().min(1).optional() }).prefault({}),
  smart: z
    .strictObject({
      clientId: z.string().min(1).optional(),
      issuers: list.default([]),
      jwksUrl: z.url().optional(),
      scope: z.string().min(1).optional(),
    })
    .prefault({}),
})

/**
 * The whole server configuration (`nexora.config.json`), strict: an unknown key is an error with
 * its path, so `maxRow` never passes as a silently ignored setting. Every key, its environment
 * override and its default are in docs/configuration.md.
 */
export const serverConfigSchema = z.strictObject({
  /** An editor's schema hint; ignored. */
  $schema: z.string().optional(),
  /** Refuse to start without configured authentication and keys (also `NODE_ENV=production`). */
  production: z.boolean().default(false),
  port: port.default(8000),
  host: z.string().min(1).default('127.0.0.1'),
  grpcPort: port.optional(),
  /** Dev keys, the dev token and dev-mode secrets; replicas share it to share the dev identity. */
  dataDir: z.string().min(1).default('./data'),
  logLevel: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
  /** How long shutdown waits for in-flight requests. */
  drainMs: positiveInt.default(10_000),
  storage: z
    .strictObject({
      /** `file:…` or `libsql://…` (libSQL), or `postgres://…`; default `file:./data/nexora.db`. */
      url: z.string().min(1).optional(),
      durability: z.enum(['full', 'normal']).default('full'),
      /** libSQL files on Node: seal and commit the audit chain on a worker thread (docs/performance.md). */
      auditThread: z.boolean().default(true),
    })
    .prefault({}),
  auth: Auth.prefault({}),
  rateLimits: RateLimits.default({}),
  /** Rate-limit buckets in the database, shared by every replica (a write per request). */
  sharedRateLimits: z.boolean().default(false),
  limits: z
    .strictObject({
      maxRows: positiveInt.default(1000),
      bodyBytes: positiveInt.default(1024 * 1024),
      requestTimeoutMs: positiveInt.default(30_000),
    })
    .prefault({}),
  cors: z.strictObject({ origins: list.default([]) }).prefault({}),
  fhir: Fhir.prefault({}),
  monitoring: z.strictObject({ keyFile: z.string().min(1).optional(), configFile: z.string().min(1).optional() }).prefault({}),
  cdsHooks: z.strictObject({ configFile: z.string().min(1).optional() }).prefault({}),
  webUi: WebUi.prefault({}),
  audit: z
    .strictObject({
      signingKeyFile: z.string().min(1).optional(),
      witnesses: list.default([]),
      publicKeysFile: z.string().min(1).optional(),
      witnessToken: z.string().min(1).optional(),
    })
    .prefault({}),
  deid: z.strictObject({ keyFile: z.string().min(1).optional() }).prefault({}),
  /** Model versions: whose signatures count and when one is required (docs/security.md, "Signed models"), and approvals. */
  models: z
    .strictObject({
      /** Public keys (a JWK Set) whose model signatures are accepted; several for a rotation. */
      trustedKeys: Jwks.optional(),
      /** A file holding more (a JWK Set or one JWK; runtimes with a file system). */
      trustedKeysFile: z.string().min(1).optional(),
      /**
       * Refuse an unsigned version: `off`, before it serves patients (`production`), or on every load
       * (`always`). Default `production` in production, `off` in dev mode (a freshly trained model may be promoted there).
       */
      requireSignature: z.enum(['off', 'production', 'always']).optional(),
      /**
       * `required` (default): a version reaches patients (a canary, production) only after a principal
       * other than the one asking approved it (scope nexora/models.approve). `off` for a single-user embed.
       */
      approvals: z.enum(['required', 'off']).default('required'),
    })
    .prefault({}),
  /** Population jobs' queue (docs/population.md). */
  jobs: z
    .strictObject({
      /** `auto`: pg-boss when the database is PostgreSQL, else in-process. */
      queue: z.enum(['auto', 'memory', 'pg-boss']).default('auto'),
      /** pg-boss's PostgreSQL; default the storage URL. */
      url: z.string().min(1).optional(),
      /** Work population jobs in the server process too. Default: when the queue is in-process (no `nexora worker` can reach it). */
      worker: z.boolean().optional(),
      /** Shards a worker process scores at once: a shard waits on the database about half its time, so two keep a core busy. */
      concurrency: positiveInt.default(2),
      /** A shard attempt running longer is presumed lost with its worker and delivered again. */
      shardTimeoutMs: positiveInt.default(5 * 60_000),
    })
    .prefault({}),
  /** Scoring on change: HL7 v2 over MLLP and FHIR Subscriptions enqueue debounced re-scores (docs/population.md). */
  feeds: z
    .strictObject({
      /** The models a changed patient is re-scored with. */
      models: list.default(['readmission-fhir']),
      debounceMs: positiveInt.default(30_000),
      /** A re-score at or above this posts `risk.high` to `webhook`. */
      threshold: z.number().min(0).max(1).optional(),
      webhook: z.url().optional(),
      /** Listen for HL7 v2 over MLLP on this port (`--mllp-port`). */
      mllpPort: port.optional(),
      mllpHost: z.string().min(1).default('127.0.0.1'),
      /** Create FHIR Subscriptions (rest-hook) on the FHIR server at start for the types the models read. */
      subscribe: z.boolean().default(false),
      /** The notification endpoint as the FHIR server reaches it; default this server's URL + /fhir/notify. */
      notifyUrl: z.url().optional(),
      /** The token the FHIR server sends with notifications (scope nexora/feeds). */
      notifyToken: z.string().min(1).optional(),
    })
    .prefault({}),
  /** Plugin modules to load beside the shipped ones: paths (`./my-plugin.ts`) or package names. */
  plugins: list.default([]),
})

/** The validated configuration, every default filled in. */
export type ServerConfig = z.output<typeof serverConfigSchema>
/** What a configuration file (or an adapter's options) may say: every key optional. */
export type ServerConfigInput = z.input<typeof serverConfigSchema>
