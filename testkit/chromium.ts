import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import type { BrowserContext, Page, Request } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Headless Chromium (Debian's) through playwright-core; `webgpu` adds the one flag WebGPU needs here. */
export async function launchChromium({ webgpu = true }: { webgpu?: boolean } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's "chromium" package (.ci/run does)`)
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'nexora-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-gpu'])],
  })
  return {
    context,
    page: async (): Promise<Page> => context.pages()[0] ?? context.newPage(),
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }) },
  }
}

export interface Recorded { url: string; method: string; headers: Record<string, string>; body: string | null }

/** Every request a page makes, with its headers and body, for the PHI-egress assertions. */
export function recordRequests(page: Page): Recorded[] {
  const seen: Recorded[] = []
  page.on('request', (r: Request) => { seen.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() }) })
  return seen
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.css': 'text/css', '.webmanifest': 'application/manifest+json' }

/**
 * A static file server with COOP/COEP (so `crossOriginIsolated` is true and wasm threads work).
 * `mounts` maps a URL prefix to a folder, e.g. `{ '/': 'dist', '/ort/': 'node_modules/onnxruntime-web/dist' }`.
 */
export async function staticServer(mounts: Record<string, string>) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length)
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const prefix = prefixes.find((p) => path.startsWith(p))
    const rel = prefix === undefined ? undefined : normalize(path.slice(prefix.length) || 'index.html')
    const file = rel && !rel.startsWith('..') ? join(mounts[prefix!]!, rel) : undefined
    if (!file || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cache-control': 'no-store' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}
