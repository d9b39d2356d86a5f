/**
 * ARCHITECTURE.md §10: a Workers bundle of core + the Hono app + the Cloudflare adapter (the
 * example Worker, with the linear demo model) stays under a byte budget and carries no heavy
 * engine and no Node module.
 */
import { builtinModules } from 'node:module'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { bundleForWorkers, type WorkerBundle } from '../testkit/workerd.ts'

const BUDGET_BYTES = 1_000_000
/** Engines that must load lazily (or not at all) on Workers, and Node-only storage. */
const HEAVY = /node_modules\/(@tensorflow|onnxruntime-(web|node|common)|@libsql|libsql|pg|pg-[a-z-]+|postgres)\//
const NODE_ONLY_FILES = /^plugins\/(storage-sql\/(index|libsql|postgres)\.ts|model-(?!linear\/)[^/]+\/)/

describe('Workers bundle budget', () => {
  let bundle: WorkerBundle
  beforeAll(async () => {
    // Node's modules stay external here, so that an import of one is reported below by name rather than failing the build.
    bundle = await bundleForWorkers(fileURLToPath(new URL('../examples/cloudflare-worker/worker.ts', import.meta.url)), {
      minify: true,
      external: ['node:*', ...builtinModules],
    })
  }, 60_000)

  it(`bundles core, the Hono app and the Cloudflare adapter minified into at most ${BUDGET_BYTES} bytes`, () => {
    const inputs = Object.keys(bundle.metafile.inputs)
    expect(inputs).toEqual(
      expect.arrayContaining(['core/http/app.ts', 'adapters/cloudflare.ts', 'plugins/storage-d1/index.ts', 'plugins/model-linear/index.ts']),
    )
    const gzip = gzipSync(bundle.bytes).length
    console.log(`Workers bundle (examples/cloudflare-worker): ${bundle.bytes.length} bytes minified, ${gzip} bytes gzip (budget ${BUDGET_BYTES})`)
    expect(bundle.bytes.length).toBeLessThanOrEqual(BUDGET_BYTES)
  })

  it('carries no tfjs, onnxruntime, libsql, pg, Node-only storage or other model engine', () => {
    const inputs = Object.keys(bundle.metafile.inputs)
    expect(inputs.filter((f) => HEAVY.test(f) || NODE_ONLY_FILES.test(f))).toEqual([])
  })

  it('imports no Node module (node:* or a bare builtin such as fs)', () => {
    const imports = Object.values(bundle.metafile.inputs)
      .flatMap((i) => i.imports)
      .filter((i) => i.path.startsWith('node:') || i.external)
    expect(imports.map((i) => i.path)).toEqual([])
  })
})
