import { NexoraError, type FieldIssue } from '../errors.ts'
import { ENV_VARIABLES, JWKS_KEYS, NotJson, parseEnvValue } from './env.ts'
import { serverConfigSchema, type ServerConfig, type ServerConfigInput } from './schema.ts'

export interface LoadConfigOptions {
  /** The parsed configuration file (`nexora.config.json`), if there is one. */
  file?: unknown
  /** Where `file` came from, named in errors. Default `configuration`. */
  source?: string
  /** The environment: `process.env[name]`, `Deno.env.get`, a Worker's string bindings. */
  get?: (name: string) => string | undefined
  /** The last word, over file and environment: command-line flags, an adapter's options. */
  overrides?: ServerConfigInput
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `over` laid on `base`: objects merge key by key, anything else (arrays included) replaces; undefined leaves the base. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base
  if (!isObject(base) || !isObject(over)) return over
  const out: Json = { ...base }
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value)
  return out
}

function setPath(target: Json, path: string[], value: unknown) {
  let node = target
  for (const key of path.slice(0, -1)) node = isObject(node[key]) ? (node[key] as Json) : ((node[key] = {}) as Json)
  node[path.at(-1)!] = value
}

/** The environment's settings as a configuration object, and which variable set each key. */
function fromEnv(get: (name: string) => string | undefined) {
  const values: Json = {}
  const sources = new Map<string, string>()
  const issues: FieldIssue[] = []
  for (const variable of ENV_VARIABLES) {
    const name = [variable.name, ...(variable.aliases ?? [])].find((n) => get(n) !== undefined && get(n)!.trim() !== '')
    if (!name) continue
    const value = parseEnvValue(variable.kind, get(name)!)
    const path = variable.path.join('.')
    if (value instanceof NotJson) issues.push({ path, message: `${name} is not JSON` })
    else setPath(values, variable.path, value)
    sources.set(path, name)
  }
  if (get('NODE_ENV') === 'production') values.production = true
  return { values, sources, issues }
}

/** The environment's key set replaces the file's, whichever form each used. */
function withEnvKeySet(file: unknown, env: Json): unknown {
  const envAuth = env.auth as Json | undefined
  if (!isObject(file) || !isObject(file.auth) || !envAuth || !JWKS_KEYS.some((k) => k in envAuth)) return file
  return { ...file, auth: Object.fromEntries(Object.entries(file.auth).filter(([k]) => !JWKS_KEYS.includes(k))) }
}

interface RawIssue {
  code: string
  path: PropertyKey[]
  message: string
  keys?: string[]
  errors?: RawIssue[][]
}

/**
 * A union's failure as the failures of the branch the value came closest to (`rateLimits` is an
 * object or `false`: a bad bucket is reported at its own path, not as "invalid input" at the top).
 */
function flatten(issue: RawIssue, prefix: PropertyKey[] = []): RawIssue[] {
  const path = [...prefix, ...issue.path]
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ ...issue, path }]
  const depth = (branch: RawIssue[]) => Math.max(...branch.map((i) => i.path.length))
  const closest = issue.errors.reduce((best, branch) => (depth(branch) > depth(best) ? branch : best))
  return depth(closest) > 0 ? closest.flatMap((i) => flatten(i, path)) : [{ ...issue, path }]
}

export type ConfigCheck = { ok: true; config: ServerConfig } | { ok: false; issues: FieldIssue[] }

/**
 * Validate a configuration without throwing: each problem with its path, and the variable that
 * set it when it came from the environment.
 * @example
 * const result = checkConfig({ file: { limits: { maxRow: 10 } } })
 * // { ok: false, issues: [{ path: 'limits.maxRow', message: 'unknown key (a typo?)' }] }
 */
export function checkConfig(options: LoadConfigOptions = {}): ConfigCheck {
  const env = fromEnv(options.get ?? (() => undefined))
  const input = merge(merge(withEnvKeySet(options.file ?? {}, env.values), env.values), options.overrides)
  const parsed = serverConfigSchema.safeParse(input)
  const issues = [...env.issues]
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap((i) => flatten(i as RawIssue))) {
      const path = issue.path.map(String).join('.')
      const keys = issue.keys?.map((k) => (path ? `${path}.${k}` : k)) ?? []
      const variable = [...env.sources].find(([p]) => path === p || path.startsWith(`${p}.`))?.[1]
      if (keys.length > 0) for (const key of keys) issues.push({ path: key, message: 'unknown key (a typo?)' })
      else if (!issues.some((i) => i.path === path))
        issues.push({ path: path || '(root)', message: variable ? `${issue.message} (from ${variable})` : issue.message })
    }
  }
  return issues.length > 0 || !parsed.success ? { ok: false, issues } : { ok: true, config: parsed.data }
}

/**
 * The one configuration `nexora serve` and every runtime adapter run with: the file's settings,
 * the `NEXORA_*` environment over them, the caller's overrides over both, validated by one strict
 * schema with every default filled in. File reading stays with the caller (core has no file system).
 * @example
 * const config = loadConfig({ file: JSON.parse(text), get: (name) => process.env[name] })
 * config.rateLimits // { predict: { capacity: 2000, refillPerSecond: 1000 } } from NEXORA_RATE_LIMITS
 */
export function loadConfig(options: LoadConfigOptions = {}): ServerConfig {
  const result = checkConfig(options)
  if (result.ok) return result.config
  const source = options.source ?? 'configuration'
  throw new NexoraError('config.invalid', {
    detail: `${source}: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues: result.issues,
  })
}
