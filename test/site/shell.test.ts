import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_PATHS } from '../../site/api/client.ts'
import { PAGES } from '../../site/pages.ts'
import { axeViolations, ensureSiteBuilt, openBrowser, screenshot, startSiteServer, WIDTHS } from '../../testkit/site.ts'

let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
beforeAll(async () => {
  server = await startSiteServer()
  browser = await openBrowser()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the web UI shell', () => {
  it('every page loads for the dev identity with no console errors, passes axe, at phone and desktop widths', { timeout: 180_000 }, async () => {
    for (const entry of PAGES) {
      for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[]) {
        const { page, errors } = await browser.open(`${server.url}/#/${entry.path}`, size)
        await page.waitForSelector('main h1', { timeout: 30_000 })
        await page.waitForFunction(() => !document.querySelector('[role="status"]'), null, { timeout: 30_000 }).catch(() => {})
        expect(await axeViolations(page), `${entry.path} ${size}`).toEqual([])
        await screenshot(page, `shell-${entry.path}`, size)
        expect(errors, `${entry.path} ${size}`).toEqual([])
        await page.close()
      }
    }
  })

  it('calls only API paths that /openapi.json declares', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }
    const declared = new Set(Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)))
    expect(API_PATHS.filter((p) => !declared.has(p))).toEqual([])
  })

  it('keeps the shell under 300 KB of gzipped JavaScript, with pages and engines in lazy chunks', async () => {
    const site = await ensureSiteBuilt()
    const meta = JSON.parse(readFileSync(join(site, 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string }[]; entryPoint?: string }>
    }
    const entry = Object.keys(meta.outputs).find((o) => o.endsWith('app/main.js'))!
    // The shell is the entry plus every chunk it imports statically (not the dynamic page chunks).
    const shell = new Set<string>()
    const visit = (o: string) => {
      if (shell.has(o)) return
      shell.add(o)
      for (const i of meta.outputs[o]!.imports) if (i.kind === 'import-statement') visit(i.path)
    }
    visit(entry)
    // Metafile paths are relative to the working directory: the build's own folder is what matters.
    const gzipped = [...shell].reduce((n, o) => n + gzipSync(readFileSync(join(site, 'app', o.slice(o.lastIndexOf('/app/') + 5)))).length, 0)
    console.log(`web UI shell: ${shell.size} files, ${gzipped} bytes gzipped`)
    expect(gzipped).toBeLessThan(300 * 1024)
    expect([...shell].some((o) => /onnxruntime|ort\./.test(o))).toBe(false)
  })

  it('serves the PWA manifest and service worker, and cross-origin isolation for in-browser scoring', async () => {
    const manifest = await fetch(`${server.url}/manifest.webmanifest`)
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json')
    expect(await manifest.json()).toMatchObject({ start_url: '/', display: 'standalone' })
    const sw = await fetch(`${server.url}/sw.js`)
    expect([sw.status, sw.headers.get('cache-control')]).toEqual([200, 'no-cache'])
    const shell = await fetch(`${server.url}/`)
    expect(shell.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    expect(await shell.text()).toContain('<div id="root">')
  })
})
