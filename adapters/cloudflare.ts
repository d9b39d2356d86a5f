/**
 * Cloudflare Workers adapter: `export default createWorker({ bundledModels })`. It only
 * translates: the D1 binding becomes the storage plugins, the JWT variables become `jwtAuth`,
 * bundled model artifacts are registered once per isolate, and the Worker's ExecutionContext
 * keeps the isolate alive for the prediction log's flush after the response. Audit events need
 * no waitUntil: the pipeline commits them to D1 before it answers.
 */
import {
  createNexora,
  ensureRegistered,
  lazy,
  loadConfig,
  nexoraConfigFrom,
  NexoraError,
  problemResponse,
  toNexoraError,
  type ModelManifest,
  type Nexora,
  type NexoraConfig,
  type Plugin,
} from '../core/index.ts'
import { jwtAuthFromConfig } from '../plugins/auth-jwt/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import type { CloudflareJobQueue, MessageBatch } from '../plugins/queue-cloudflare/index.ts'
import { d1Storage, type D1Database } from '../plugins/storage-d1/index.ts'

/** The Worker's bindings: the D1 database, and variables and secrets as strings. */
export type WorkerEnv = Record<string, unknown>

/** The part of the Workers ExecutionContext Nexora uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * A model version shipped inside the bundle. A file is bytes, text, or a JSON value imported with
 * `with { type: 'json' }` (written back compactly, so it must have been compact JSON: the
 * manifest's sha256 refuses anything else).
 */
export interface BundledModel {
  /** A ModelManifest (a JSON import's inferred type is accepted: the registry validates it). */
  manifest: ModelManifest | Record<string, unknown>
  files: Record<string, Uint8Array | string | object>
}

export interface WorkerOptions {
  /** Model plugins. Default model-linear only; a heavier engine's plugin should import it lazily. */
  models?: Plugin[]
  /** More plugins (monitoring, compliance…), made from the bindings once per isolate. */
  plugins?: (env: WorkerEnv) => Plugin[]
  /** Registered at isolate start unless D1 has them; each becomes its model's production version if it has none. */
  bundledModels?: BundledModel[]
  config?: (env: WorkerEnv) => NexoraConfig
  /** The D1 binding's name. Default `DB`. */
  binding?: string
  /** Apply committed migrations D1 lacks at isolate start. Default true (see d1Storage). */
  migrate?: boolean
  /** Rate-limit buckets in D1, shared by every isolate (a write per request). Default `NEXORA_SHARED_RATE_LIMITS`, else false: per isolate. */
  sharedRateLimits?: boolean
  /**
   * Serve as the dev caller when no NEXORA_JWKS / NEXORA_JWT_* variables are set. Default false:
   * a Worker is public, so without them every request is refused rather than served unauthenticated.
   */
  allowAnonymous?: boolean
  /** Once per isolate, after start: register the job handlers (`nexora.ports.get('jobQueue').work(…)`) that `queue()` batches run on. */
  onStart?: (nexora: Nexora, env: WorkerEnv) => unknown
}

export interface NexoraWorker {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response>
  scheduled(controller: unknown, env: WorkerEnv, ctx: WorkerContext): Promise<void>
  queue(batch: MessageBatch, env: WorkerEnv, ctx: WorkerContext): Promise<void>
}

const toBytes = (file: Uint8Array | string | object) =>
  file instanceof Uint8Array ? file : new TextEncoder().encode(typeof file === 'string' ? file : JSON.stringify(file))

async function boot(env: WorkerEnv, options: WorkerOptions): Promise<Nexora> {
  const binding = env[options.binding ?? 'DB'] as D1Database | undefined
  if (!binding) throw new NexoraError('plugin.invalid', { detail: `no D1 binding named ${options.binding ?? 'DB'}` })
  // The same configuration as every other runtime, from the string bindings (vars and secrets): auth, limits, CORS, rate limits.
  const settings = loadConfig({ get: (name) => (typeof env[name] === 'string' ? env[name] : undefined), source: 'Worker bindings' })
  const auth = jwtAuthFromConfig(settings.auth)
  if (settings.plugins.length > 0)
    throw new NexoraError('plugin.invalid', { detail: 'a Worker bundles its plugins: pass them to createWorker, not NEXORA_PLUGINS' })
  if (!auth && !options.allowAnonymous)
    throw new NexoraError('plugin.invalid', { detail: 'set NEXORA_JWKS (or NEXORA_JWKS_URL), NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE' })
  const nexora = await createNexora({
    plugins: [
      d1Storage({ binding, migrate: options.migrate, sharedRateLimits: options.sharedRateLimits ?? settings.sharedRateLimits }),
      ...(options.models ?? [linearModel()]),
      ...(auth ? [auth] : []),
      ...(options.plugins?.(env) ?? []),
    ],
    config: { ...nexoraConfigFrom(settings), getClientIp: (c) => c.req.header('cf-connecting-ip'), ...options.config?.(env) },
  })
  try {
    for (const model of options.bundledModels ?? []) {
      const files = Object.fromEntries(Object.entries(model.files).map(([path, file]) => [path, toBytes(file)]))
      await ensureRegistered(nexora.registry, model.manifest as ModelManifest, files)
    }
    await options.onStart?.(nexora, env)
  } catch (error) {
    await nexora.close()
    throw error
  }
  return nexora
}

/**
 * @example
 * // worker.ts, with the model's manifest.json and model.json imported `with { type: 'json' }`
 * export default createWorker({ bundledModels: [{ manifest, files: { 'model.json': model } }] })
 */
export function createWorker(options: WorkerOptions = {}): NexoraWorker {
  // One Nexora per isolate, built on the first event (bindings arrive with it); a failed start is not cached.
  let load: (() => Promise<Nexora>) | undefined
  const nexora = (env: WorkerEnv) => (load ??= lazy(() => boot(env, options)))()
  return {
    async fetch(request, env, ctx) {
      let instance: Nexora
      try {
        instance = await nexora(env)
      } catch (error) {
        const problem = toNexoraError(error)
        console.error(JSON.stringify({ event: 'nexora.start_failed', code: problem.code }))
        return problemResponse(problem)
      }
      const response = await instance.fetch(request, env, ctx)
      // The prediction log batches rows, a tracing SDK spans, in memory: write them (spans last) before the isolate may be evicted.
      const observers = instance.ports.getAll('predictionObserver')
      const telemetry = instance.ports.has('telemetry') ? instance.ports.get('telemetry') : undefined
      if (observers.length > 0 || telemetry) ctx.waitUntil(Promise.allSettled(observers.map((o) => o.flush?.())).then(() => telemetry?.flush()))
      return response
    },
    // A Cron Trigger records an audit checkpoint (an isolate has no timer), so a later truncation is
    // detected. Awaited, not waitUntil: a failure is then the cron run's outcome, not an unseen rejection.
    async scheduled(_controller, env) {
      await (await nexora(env)).audit.checkpoint()
    },
    // A Queues consumer batch: the cloudflareJobs plugin runs its jobs on the handlers onStart registered (a throw retries the batch).
    async queue(batch, env) {
      const jobs = (await nexora(env)).ports.get('jobQueue') as Partial<CloudflareJobQueue> | undefined
      if (!jobs?.consume) throw new NexoraError('plugin.invalid', { detail: 'a queue() batch needs the cloudflareJobs plugin' })
      await jobs.consume(batch)
    },
  }
}
