import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.css': 'text/css',
  '.webmanifest': 'application/manifest+json',
}

/**
 * A static file server with COOP/COEP (so `crossOriginIsolated` is true and wasm threads work),
 * for the browser example and the browser tests; a dev tool, so neither imports the other.
 * `mounts` maps a URL prefix to a folder, e.g. `{ '/': 'dist', '/ort/': 'node_modules/onnxruntime-web/dist' }`.
 */
export async function staticServer(mounts: Record<string, string>, port = 0) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length)
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const prefix = prefixes.find((p) => path.startsWith(p))
    const rel = prefix === undefined ? undefined : normalize(path.slice(prefix.length) || 'index.html')
    const file = rel && !rel.startsWith('..') ? join(mounts[prefix!]!, rel) : undefined
    if (!file || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end()
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}
