/** `node --import tsx examples/browser/serve.ts`: build, then serve the example on http://127.0.0.1:8080. */
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { buildBrowserExample } from './build.ts'
import { staticServer } from '../../devtools/static-server.ts'

/** The folders the page needs, by URL prefix: the page, the build, the models and ORT's wasm files. */
export function browserMounts(dist: string) {
  // The package's main entry lives in dist/, beside the .wasm and .mjs files ORT fetches.
  const ort = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'))
  return { '/': new URL('.', import.meta.url).pathname, '/dist/': dist, '/models/': new URL('../../models/', import.meta.url).pathname, '/ort/': ort }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = mkdtempSync(join(tmpdir(), 'nexora-browser-'))
  await buildBrowserExample(dist)
  const { url } = await staticServer(browserMounts(dist), Number(process.env.PORT ?? 8080))
  console.log(`open ${url}/ (WebGPU when the browser has it, WASM otherwise)`)
}
