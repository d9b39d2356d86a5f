/**
 * `npm run build:site`: bundle the web UI into site/dist — the shell (`app/main.js`, one chunk per
 * page, loaded on first visit), its CSS, the PWA manifest and service worker, the in-browser
 * models and ONNX Runtime's wasm (served under /app/, so nothing outside the app's origin path
 * space is needed). The budget test reads the metafile this writes.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { build } from 'esbuild'

const here = (f: string) => new URL(f, import.meta.url).pathname
/** Models the browser scores with, copied from models/ (manifest + the files it lists). */
const BROWSER_MODELS = ['readmission-onnx']

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
  // Only the wasm builds the page asks for (plain; WebGPU: JSEP, and asyncify, which ORT 1.30's WebGPU bundle loads), not every ORT variant.
  mkdirSync(join(app, 'ort'), { recursive: true })
  for (const f of readdirSync(ort).filter((n) => /^ort-wasm-simd-threaded(\.jsep|\.asyncify)?\.(mjs|wasm)$/.test(n))) cpSync(join(ort, f), join(app, 'ort', f))
  return result.metafile
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildSite()
  console.error('built site/dist')
}
