#!/usr/bin/env node
/**
 * `npm run build [-- OUTDIR]`: the published package's dist/. tsc writes JavaScript and declarations
 * for every public entry (tsconfig.build.json) and JavaScript for the CLI (tsconfig.bin.json); then the files they read at run time are
 * copied beside them: the SQL migrations, the example plugin `nexora plugin new` starts from, the demo models `nexora serve` registers, and the built
 * web UI without its ONNX Runtime binaries (67 MB; served from onnxruntime-web when that is installed).
 * Plain Node: it must run before anything is built.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const out = resolve(process.argv[2] ?? join(root, 'dist'))

rmSync(out, { recursive: true, force: true })
for (const project of ['tsconfig.build.json', 'tsconfig.bin.json']) {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, project), '--outDir', out], { cwd: root, stdio: 'inherit' })
}

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript (rewriteRelativeImportExtensions) but not in the
// declarations; Deno (and any resolver that does not map .ts to .d.ts as tsc does) then cannot follow them.
for (const file of readdirSync(out, { recursive: true })) {
  if (!String(file).endsWith('.d.ts')) continue
  const path = join(out, String(file))
  const text = readFileSync(path, 'utf8')
  const fixed = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3')
  if (fixed !== text) writeFileSync(path, fixed)
}

cpSync(join(root, 'plugins/storage-sql/migrations'), join(out, 'plugins/storage-sql/migrations'), { recursive: true })
// `nexora plugin new` starts from the shipped example plugin's source.
cpSync(join(root, 'examples/custom-plugin/naive-bayes.ts'), join(out, 'examples/custom-plugin/naive-bayes.ts'))

for (const id of readdirSync(join(root, 'models'))) {
  const dir = join(root, 'models', id)
  if (!existsSync(join(dir, 'manifest.json'))) continue
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  mkdirSync(join(out, 'models', id), { recursive: true })
  for (const file of ['manifest.json', 'README.md', ...Object.keys(manifest.files ?? {})])
    if (existsSync(join(dir, file))) cpSync(join(dir, file), join(out, 'models', id, file))
}

const site = join(root, 'site/dist')
if (existsSync(join(site, 'index.html'))) {
  cpSync(site, join(out, 'site/dist'), { recursive: true, filter: (src) => !relative(site, src).startsWith(join('app', 'ort')) && !src.endsWith('meta.json') })
} else if (process.env.npm_lifecycle_event === 'prepack') {
  throw new Error('site/dist is missing: prepack runs `npm run build:site` first')
}
