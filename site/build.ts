/**
 * `npm run build:site`: bundle the web UI into site/dist — the shell (`app/main.js`, one chunk per
 * page, loaded on first visit), its CSS, the PWA manifest and service worker, the in-browser
 * models and ONNX Runtime's wasm (served under /app/, so nothing outside the app's origin path
 * space is needed), each compressible file with a brotli (`.br`) and a gzip (`.gz`) copy beside it.
 * The budget test reads the metafile this writes.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import { build } from 'esbuild'

const here = (f: string) => new URL(f, import.meta.url).pathname
/** Models the browser scores with, copied from models/ (manifest + the files it lists). */
const BROWSER_MODELS = ['readmission-onnx']
/**
 * The ONNX Runtime wasm builds the score page loads (docs/decisions.md, "Edge deployability"): the
 * plain SIMD build (the wasm provider, 14.2 MB) and the JSPI build (the WebGPU provider, 16.8 MB).
 * Not the asyncify build ORT's default WebGPU bundle loads (26.8 MB, over Cloudflare's 25 MiB
 * asset limit) nor JSEP (28.3 MB, the legacy WebGPU/WebNN build); the page imports neither.
 * The `.mjs` factories are not copied: esbuild bundles them into the engine's chunks.
 */
export const ORT_WASM = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jspi.wasm']
/**
 * What is worth compressing (not the model's tiny .onnx, nor images): plugins/web-ui/encoding.ts's list,
 * repeated because site/ reaches the framework only through the browser adapter (dependency rules);
 * test/site/web-ui-compression.test.ts keeps the two equal.
 */
const PRECOMPRESSED = /\.(js|mjs|css|wasm|json|svg|html|webmanifest)$/
export const PRECOMPRESSED_SOURCE = PRECOMPRESSED.source
/** Not served: the metafile is for the budget test (and names source paths). Read by wrangler's asset upload. */
const ASSETS_IGNORE = ['meta.json', '.assetsignore']

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)

/** Every file under dir, relative paths. */
const walk = (dir: string, prefix = ''): string[] =>
  readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(dir, join(prefix, e.name)) : [join(prefix, e.name)]))

/**
 * `.br` and `.gz` beside each compressible file, made once here so serving costs no CPU (the web UI
 * plugin picks one by Accept-Encoding). Brotli's top quality on the multi-megabyte wasm takes
 * minutes; quality 9 with a 16 MB window gets within a few percent of it in seconds.
 */
export async function precompress(outdir: string) {
  const files = walk(outdir).filter((f) => PRECOMPRESSED.test(f) && !ASSETS_IGNORE.includes(f) && statSync(join(outdir, f)).size >= 1024)
  await Promise.all(
    files.map(async (f) => {
      const raw = readFileSync(join(outdir, f))
      const big = raw.length > 1_000_000
      const [b, g] = await Promise.all([
        brotli(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: big ? 9 : 11,
            [constants.BROTLI_PARAM_LGWIN]: big ? 24 : 22,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        }),
        gz(raw, { level: 9 }),
      ])
      await Promise.all([writeFile(join(outdir, `${f}.br`), b), writeFile(join(outdir, `${f}.gz`), g)])
    }),
  )
}

export async function buildSite(outdir = here('dist')) {
  rmSync(outdir, { recursive: true, force: true })
  const app = join(outdir, 'app')
  mkdirSync(app, { recursive: true })
  const result = await build({
    entryPoints: { main: here('main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    outdir: app,
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    metafile: true,
    logLevel: 'error',
  })
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile))
  for (const f of ['index.html', 'manifest.webmanifest', 'sw.js']) cpSync(here(f), join(outdir, f))
  cpSync(here('icon.svg'), join(app, 'icon.svg'))
  for (const id of BROWSER_MODELS) {
    const src = here(`../models/${id}/`)
    const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as { files?: Record<string, string> }
    mkdirSync(join(app, 'models', id), { recursive: true })
    for (const f of ['manifest.json', ...Object.keys(manifest.files ?? {})]) cpSync(join(src, f), join(app, 'models', id, f))
  }
  const ort = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))
  mkdirSync(join(app, 'ort'), { recursive: true })
  for (const f of ORT_WASM) cpSync(join(ort, f), join(app, 'ort', f))
  await precompress(outdir)
  // The Workers static-assets upload skips these (wrangler reads .assetsignore at the assets root).
  writeFileSync(join(outdir, '.assetsignore'), `${ASSETS_IGNORE.join('\n')}\n`)
  return result.metafile
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildSite()
  console.error('built site/dist')
}
