/**
 * One error class with stable codes. Every layer throws `NexoraError`; each front door
 * maps it to its own wire format (problem+json, OperationOutcome, OIP `{error}`, gRPC status).
 * Messages name fields and codes, never values, so no PHI can leak through an error.
 */

/** What a code answers with: its HTTP status and the problem+json `title`. */
export interface ErrorInfo {
  status: number
  title: string
}

/**
 * Core's own codes: those core raises, and those in the contract of a core port, which any
 * implementation or caller of the port raises (`fhir.*` for FhirSource, `model.train_failed` for
 * ModelPlugin, `engine.load_failed` for lazily loaded engines). A plugin's own codes live in its
 * `errors.ts`, so a new plugin never edits this table.
 */
export const CORE_ERROR_CODES = {
  'request.invalid': { status: 400, title: 'The request does not match its schema' },
  'request.malformed_json': { status: 400, title: 'The request body is not valid JSON' },
  'request.invalid_unicode': { status: 400, title: 'A string in the request is not well-formed Unicode (a lone UTF-16 surrogate) or holds NUL' },
  'request.too_large': { status: 413, title: 'The request body exceeds the size limit' },
  'request.headers_too_large': { status: 431, title: 'The request line and headers exceed the size limit' },
  'route.not_found': { status: 404, title: 'No such route' },
  'request.timeout': { status: 503, title: 'The request took longer than the server allows' },
  'request.cors_denied': { status: 403, title: 'The origin is not allowed' },
  'batch.empty': { status: 400, title: 'The batch has no rows' },
  'batch.too_large': { status: 400, title: 'The batch has too many rows' },
  'features.unknown': { status: 422, title: 'The row has features the model does not accept' },
  'features.missing': { status: 422, title: 'The row lacks features the model requires' },
  'features.invalid': { status: 422, title: 'A feature has a value of the wrong type or range' },
  'features.not_stored': { status: 422, title: 'The feature store holds no features of this model for the patient' },
  'features.stale': { status: 422, title: 'The stored features are older than the server allows' },
  'model.not_found': { status: 404, title: 'No such model' },
  'model.version_not_found': { status: 404, title: 'No such model version' },
  'model.alias_not_found': { status: 404, title: 'The alias points at no version' },
  'model.version_archived': { status: 409, title: 'The model version is archived' },
  'model.version_exists': { status: 409, title: 'The model version is already registered' },
  'model.invalid_manifest': { status: 400, title: 'The model manifest is invalid' },
  'model.kind_unknown': { status: 400, title: 'No model plugin handles this kind' },
  'model.kind_unavailable': { status: 500, title: 'No loaded plugin serves the kind of this registered model version (a server set-up gap)' },
  'model.artifact_corrupt': { status: 500, title: 'A model artifact failed its integrity check' },
  'model.signature_invalid': { status: 500, title: 'The model version is not validly signed: its manifest or artifacts changed after signing' },
  'model.signature_untrusted': { status: 409, title: 'The model version is signed by a key this server does not trust' },
  'model.unsigned': { status: 409, title: 'The model version is unsigned and this server requires a signed model here' },
  'model.signing_key_invalid': { status: 500, title: 'A model signing or trusted key is not an Ed25519 or P-384 JWK with a kid' },
  'model.load_failed': { status: 503, title: 'The model could not be loaded' },
  'model.train_failed': { status: 422, title: 'The model could not be trained on this data' },
  'model.approval_required': { status: 409, title: 'The version needs an approval by a second principal before it may serve patients' },
  'model.self_approval': { status: 403, title: 'The principal who asks for a change may not approve it too' },
  'model.card_incomplete': { status: 409, title: 'The model card or its source attributes are incomplete' },
  'model.canary_active': { status: 409, title: 'The model already has a canary' },
  'model.no_canary': { status: 409, title: 'The model has no canary' },
  'model.lifecycle_conflict': { status: 409, title: 'Another change to the model lifecycle won; read it again and retry' },
  'model.lifecycle_unsupported': { status: 501, title: 'The model store keeps no lifecycle (shadows, canaries, approvals)' },
  'auth.unauthenticated': { status: 401, title: 'Authentication is required' },
  'auth.forbidden': { status: 403, title: 'The caller lacks the required scope' },
  'rate.limited': { status: 429, title: 'Too many requests' },
  'audit.write_failed': { status: 503, title: 'The audit trail could not be written' },
  'storage.unavailable': { status: 503, title: 'The storage backend is unavailable' },
  'audit.checkpoint_invalid': { status: 422, title: 'The audit checkpoint is not validly signed by a trusted key' },
  'audit.signing_unavailable': { status: 503, title: 'No checkpoint signing key is configured' },
  'fhir.not_found': { status: 404, title: 'The FHIR server has no such resource' },
  'fhir.unauthorized': { status: 502, title: 'The FHIR server refused our credentials' },
  'fhir.request_failed': { status: 502, title: 'The FHIR server answered with an error' },
  'fhir.unavailable': { status: 503, title: 'The FHIR server is unreachable or timed out' },
  'fhir.invalid_resource': { status: 502, title: 'The FHIR server returned a resource Nexora cannot use' },
  'fhir.not_configured': { status: 503, title: 'No FHIR server is configured' },
  'fhir.untrusted_link': { status: 502, title: 'The FHIR server returned a paging link outside its own base URL' },
  'engine.load_failed': { status: 503, title: 'A runtime engine failed to load' },
  'dependency.missing': { status: 500, title: 'An optional package this feature needs is not installed' },
  'config.invalid': { status: 500, title: 'The server configuration is invalid' },
  'plugin.invalid': { status: 500, title: 'A plugin definition is invalid' },
  'plugin.duplicate': { status: 500, title: 'Two plugins share a name' },
  'plugin.missing_requirement': { status: 500, title: 'A plugin requires a port that nothing provides' },
  'plugin.ambiguous': { status: 500, title: 'Several plugins provide the same port at the same priority' },
  'plugin.cycle': { status: 500, title: 'Plugin requirements form a cycle' },
  'plugin.setup_failed': { status: 500, title: 'Every provider of a port failed to start' },
  'nexora.closed': { status: 503, title: 'Nexora is shutting down' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ErrorInfo>

type CoreErrorCodes = typeof CORE_ERROR_CODES

/**
 * Every code `NexoraError` accepts. Open, as Hono's `ContextVariableMap` is: a plugin merges its
 * own table in with `declare module` and registers it at runtime with `defineErrorCodes`.
 * @example
 * export const MY_ERRORS = defineErrorCodes({ 'my.failed': { status: 502, title: 'My upstream failed' } })
 * type MyErrors = typeof MY_ERRORS
 * declare module 'nexora' { interface ErrorCodes extends MyErrors {} }
 */
export interface ErrorCodes extends CoreErrorCodes {}

export type ErrorCode = keyof ErrorCodes & string

const registry = new Map<string, ErrorInfo>(Object.entries(CORE_ERROR_CODES))
// A namespace and a name: `cds.prefetch_missing`. `internal` is core's one bare code.
const CODE_SHAPE = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/

/**
 * Register a plugin's codes at runtime. Call it once at the top of the plugin's `errors.ts`, and
 * import that file from every module that raises them (and from the plugin's `index.ts`), so the
 * codes exist wherever code that raises them is loaded. The same code with the same status and
 * title again is a no-op; a clash with another definition is `plugin.invalid`.
 * @example
 * export const CDS_ERRORS = defineErrorCodes({ 'cds.prefetch_missing': { status: 412, title: 'Required FHIR data is missing' } })
 */
export function defineErrorCodes<const T extends Record<string, ErrorInfo>>(codes: T): T {
  for (const [code, info] of Object.entries(codes)) {
    const bad = !CODE_SHAPE.test(code)
      ? 'is not namespace.name'
      : !Number.isInteger(info.status) || info.status < 400 || info.status > 599
        ? 'needs a 4xx or 5xx status'
        : !info.title
          ? 'needs a title'
          : undefined
    if (bad) throw new NexoraError('plugin.invalid', { detail: `error code "${safeName(code)}" ${bad}` })
    const known = registry.get(code)
    if (known && (known.status !== info.status || known.title !== info.title)) {
      throw new NexoraError('plugin.invalid', { detail: `error code "${safeName(code)}" is already registered with another status or title` })
    }
    registry.set(code, Object.freeze({ status: info.status, title: info.title }))
  }
  return codes
}

/**
 * Every registered code: core's and those of every plugin module loaded so far.
 * @example
 * for (const [code, { status }] of errorCodes()) console.log(code, status)
 */
export const errorCodes = (): ReadonlyMap<ErrorCode, Readonly<ErrorInfo>> => registry as ReadonlyMap<ErrorCode, ErrorInfo>

/**
 * The status and title of a code. An unregistered one throws: a plugin whose `errors.ts` was not
 * loaded fails where it raises, in the first test that reaches it, never as a silent 500.
 * @example
 * errorInfo('model.not_found').status // 404
 */
export function errorInfo(code: ErrorCode): Readonly<ErrorInfo> {
  const info = registry.get(code)
  if (!info) throw new TypeError(`error code "${safeName(code)}" is not registered: import the errors.ts of the plugin that declares it`)
  return info
}

/** A field-level problem: the path of the field and what is wrong with it, never its value. */
export interface FieldIssue {
  path: string
  message: string
}

export interface NexoraErrorOptions {
  detail?: string
  issues?: FieldIssue[]
  cause?: unknown
  /** Extra response headers, e.g. `Retry-After` for `rate.limited`. */
  headers?: Record<string, string>
}

/**
 * @example
 * throw new NexoraError('model.not_found', { detail: 'model "sepsis" is not registered' })
 */
export class NexoraError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly title: string
  readonly detail?: string
  readonly issues?: FieldIssue[]
  readonly headers?: Record<string, string>

  constructor(code: ErrorCode, options: NexoraErrorOptions = {}) {
    const info = errorInfo(code)
    // The backstop for every call site: whatever a detail or issue quotes, it goes out short and clean.
    const detail = options.detail === undefined ? undefined : clean(options.detail, MAX_DETAIL)
    super(detail ? `${code}: ${detail}` : code, { cause: options.cause })
    this.name = 'NexoraError'
    this.code = code
    this.status = info.status
    this.title = info.title
    this.detail = detail
    this.issues = options.issues?.slice(0, MAX_ISSUES).map((i) => ({ path: clean(i.path, MAX_ISSUE_TEXT), message: clean(i.message, MAX_ISSUE_TEXT) }))
    this.headers = options.headers
  }
}

const MAX_NAME = 64
const MAX_DETAIL = 300
const MAX_ISSUE_TEXT = 160
const MAX_ISSUES = 50
// C0 and C1 controls (newlines included): nothing a caller sent may start a new log or header line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

function clean(text: string, max: number): string {
  const plain = String(text).replace(CONTROL, '?')
  return (plain.length > max ? `${plain.slice(0, max)}…` : plain).toWellFormed()
}

/**
 * A caller-supplied name (model, version, feature key, parameter) as an error may quote it:
 * at most 64 characters, no control characters, well-formed. Errors never quote values.
 * @example
 * throw new NexoraError('model.not_found', { detail: `model "${safeName(name)}" is not registered` })
 */
export const safeName = (name: unknown): string => clean(String(name), MAX_NAME)

/** zod issues as field issues: paths of short, clean segments, and messages that name no received key. */
export function fieldIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): FieldIssue[] {
  return issues.slice(0, MAX_ISSUES).map((i) => ({
    path: i.path.map((p) => safeName(typeof p === 'symbol' ? p.description : p)).join('.'),
    // zod's unrecognized-keys message lists the keys themselves.
    message: i.code === 'unrecognized_keys' ? 'unrecognized key(s)' : i.message,
  }))
}

/** Narrow an unknown throwable; anything that is not a NexoraError becomes `internal`. */
export function toNexoraError(error: unknown): NexoraError {
  if (error instanceof NexoraError) return error
  return new NexoraError('internal', { cause: error })
}
