/**
 * The on-device score page's cost to a new visitor: bytes transferred from opening `/#/score` on a
 * cold browser to the first score computed in the tab, in Chromium with a throttled network
 * (CDP Network.emulateNetworkConditions), on the WebGPU path and on the WASM path. Counted at a TCP
 * proxy between the browser and `nexora serve`: every byte the server sent (headers, bodies, the
 * service worker's own fetches), whatever the browser's caches and the DevTools protocol report.
 */
import { createConnection, createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowser, startSiteServer } from '../../testkit/site.ts'

/** The budget from issue 21: at most 6 MB before the first on-device score. */
const BUDGET = 6_000_000
const FEATURES = { age: 71, systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6 }
/** A fast 4G link: 20 Mbit/s down, 5 up, 40 ms round trip. */
const THROTTLE = { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 }

let server: Awaited<ReturnType<typeof startSiteServer>>
let proxy: Server
let proxyUrl: string
let sent = 0
beforeAll(async () => {
  server = await startSiteServer()
  const target = new URL(server.url)
  proxy = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) })
    upstream.on('data', (chunk: Buffer) => {
      sent += chunk.length
    })
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
}, 180_000)
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve))
  await server?.close()
})

async function firstScore(webgpu: boolean) {
  const browser = await openBrowser({ webgpu })
  try {
    const page = await browser.context.newPage()
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', THROTTLE)
    const codings = new Map<string, string>()
    page.on('response', (r) => {
      if (r.url().includes('/app/ort/')) codings.set(new URL(r.url()).pathname, r.headers()['content-encoding'] ?? 'identity')
    })
    sent = 0
    const started = Date.now()
    await page.goto(`${proxyUrl}/#/score`)
    await page.waitForSelector('[data-engine="ready"], [data-engine="error"]', { state: 'attached', timeout: 120_000 })
    const provider = await page.getAttribute('[data-engine]', 'data-provider')
    for (const [k, v] of Object.entries(FEATURES)) await page.locator(`input[name="${k}"]`).fill(String(v))
    await page.locator('select[name="sex"]').selectOption('F')
    await page.getByRole('button', { name: 'Score on this device' }).click()
    await page.locator('output[data-score]').waitFor({ timeout: 60_000 })
    const bytes = sent
    const ms = Date.now() - started
    console.info(`first on-device score (${provider}): ${bytes} bytes transferred, ${ms} ms at 20 Mbit/s; ORT: ${JSON.stringify([...codings])}`)
    return { provider, bytes, codings }
  } finally {
    await browser.close()
  }
}

describe('bytes transferred before the first on-device score', () => {
  it('WASM (no GPU): one ORT wasm, compressed, within the budget', { timeout: 240_000 }, async () => {
    const r = await firstScore(false)
    expect(r.provider).toBe('wasm')
    expect([...r.codings.keys()]).toEqual(['/app/ort/ort-wasm-simd-threaded.wasm'])
    expect(['br', 'gzip']).toContain(r.codings.get('/app/ort/ort-wasm-simd-threaded.wasm'))
    expect(r.bytes).toBeLessThanOrEqual(BUDGET)
  })

  it('WebGPU (JSPI build): one ORT wasm, compressed, within the budget', { timeout: 240_000 }, async () => {
    const r = await firstScore(true)
    expect(r.provider).toBe('webgpu')
    expect([...r.codings.keys()]).toEqual(['/app/ort/ort-wasm-simd-threaded.jspi.wasm'])
    expect(['br', 'gzip']).toContain(r.codings.get('/app/ort/ort-wasm-simd-threaded.jspi.wasm'))
    expect(r.bytes).toBeLessThanOrEqual(BUDGET)
  })
})
