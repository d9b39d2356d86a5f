/**
 * End-to-end kit for the web UI: build the site once per test process, start a real `nexora serve`
 * on it, open pages in headless Chromium with console errors captured, run axe, and save
 * screenshots at phone and desktop widths under .artifacts/screenshots (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { buildSite } from '../site/build.ts'
import { launchChromium } from './chromium.ts'
import { startServe } from './serve-process.ts'

let built: Promise<string> | undefined
/**
 * The site, built once per test process into its own folder (suites run in parallel processes:
 * sharing site/dist would let one suite's rebuild pull files from under another's server).
 */
export const ensureSiteBuilt = () =>
  (built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexora-site-build-'))
    await buildSite(dir)
    return dir
  })())

export async function startSiteServer(env: Record<string, string> = {}) {
  const site = await ensureSiteBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'nexora-site-'))
  const server = await startServe(dir, { NEXORA_SITE_DIR: site, ...env })
  return {
    ...server,
    dir,
    close: async () => {
      server.child.kill('SIGTERM')
      await server.exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const WIDTHS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 860 } } as const

/** A page with every console error and page error collected, for the "no console errors" check. */
export async function openBrowser(options: { webgpu?: boolean } = {}) {
  const browser = await launchChromium({ webgpu: options.webgpu ?? false })
  const open = async (url: string, size: keyof typeof WIDTHS = 'desktop') => {
    const page = await browser.context.newPage()
    await page.setViewportSize(WIDTHS[size])
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url)
    return { page, errors }
  }
  return { open, context: browser.context, close: browser.close }
}

/** axe-core's WCAG 2 A/AA rules; returns the serious and critical violations (none are allowed). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) forbids an injected script tag.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'))
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(d: Document, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run(
      document,
      { runOnly: ['wcag2a', 'wcag2aa'] },
    ),
  )
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`)
}

const SHOTS = new URL('../.artifacts/screenshots/', import.meta.url).pathname
/** Save `<name>-<size>.png` under .artifacts/screenshots (a test artifact, gitignored). */
export async function screenshot(page: Page, name: string, size: keyof typeof WIDTHS) {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true })
}
