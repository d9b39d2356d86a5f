/**
 * Run code under workerd from Node tests: bundle an entry the way a Worker is bundled
 * (TOOLCHAIN.md §7) and start it in Miniflare, with D1 databases and string bindings.
 */
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import type { Miniflare } from 'miniflare'
import { applyD1Migrations } from '../plugins/storage-d1/index.ts'

/** esbuild settings for a Cloudflare Workers bundle: workerd's export conditions, no Node platform. */
export const WORKERS_BUILD = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
} as const

export const COMPATIBILITY_DATE = '2026-04-01'

export interface WorkerBundle {
  code: string
  bytes: Uint8Array
  metafile: Metafile
}

/** Bundle `entry` (a path, or source text with the folder its imports resolve from) into one ES module, in memory. */
export async function bundleForWorkers(
  entry: string | { contents: string; resolveDir: string },
  options: { minify?: boolean; external?: string[] } = {},
): Promise<WorkerBundle> {
  const result = await build({
    ...WORKERS_BUILD,
    mainFields: [...WORKERS_BUILD.mainFields],
    conditions: [...WORKERS_BUILD.conditions],
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' as const } }),
    outfile: 'worker.mjs',
    write: false,
    metafile: true,
    minify: options.minify ?? false,
    external: options.external,
    logLevel: 'silent',
  })
  const out = result.outputFiles[0]!
  return { code: out.text, bytes: out.contents, metafile: result.metafile }
}

/** Miniflare (which brings workerd), or an error that says what is missing: never a silent skip. */
export async function loadMiniflare(): Promise<typeof Miniflare> {
  try {
    return (await import('miniflare')).Miniflare
  } catch (cause) {
    throw new Error('workerd is not available: the "miniflare" package (a dev dependency, installed with wrangler) could not be loaded; run npm ci', { cause })
  }
}

export interface WorkerOptions {
  /** The bundled ES module. */
  code: string
  /** D1 binding names, each with its own empty in-memory database; or binding name → database id. */
  d1?: string[] | Record<string, string>
  /** Keep D1 data in this folder (e.g. the `v3/d1` under wrangler's `--persist-to`). */
  d1Persist?: string
  /** String bindings (the Worker's environment variables and secrets). */
  vars?: Record<string, string>
  /** Listen on a real port on 127.0.0.1 (for tests that speak HTTP); otherwise dispatchFetch only. */
  listen?: boolean
}

export interface RunningWorker {
  mf: Miniflare
  /** The listening URL, without a trailing slash (dispatchFetch's base when not listening). */
  url: string
  close(): Promise<void>
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const Miniflare = await loadMiniflare()
  const mf = new Miniflare({
    modules: true,
    script: options.code,
    compatibilityDate: COMPATIBILITY_DATE,
    // No Request.cf lookup (it reaches an outside host); no nodejs_compat: the code must not need Node.
    cf: false,
    d1Databases: Array.isArray(options.d1) ? Object.fromEntries(options.d1.map((name) => [name, `${name.toLowerCase()}-id`])) : (options.d1 ?? {}),
    ...(options.d1Persist ? { d1Persist: options.d1Persist } : {}),
    bindings: options.vars ?? {},
    ...(options.listen ? { host: '127.0.0.1', port: 0 } : {}),
  })
  const url = (await mf.ready).toString().replace(/\/$/, '')
  return { mf, url, close: () => mf.dispose() }
}

/**
 * examples/cloudflare-worker under workerd on a real 127.0.0.1 port, with one in-memory D1
 * database migrated from outside (as `wrangler d1 migrations apply` does at deploy time) and `env`
 * as its variables: a runtime runner's `start` (testkit/runtimes.ts's RuntimeServer shape).
 */
export async function startWorkerdServer(env: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const { code } = await bundleForWorkers(fileURLToPath(new URL('../examples/cloudflare-worker/worker.ts', import.meta.url)))
  const worker = await startWorker({ code, d1: ['DB'], vars: env, listen: true })
  try {
    await applyD1Migrations(await worker.mf.getD1Database('DB'))
  } catch (error) {
    await worker.close()
    throw error
  }
  return { url: worker.url, close: () => worker.close() }
}
