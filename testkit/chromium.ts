import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page, Request } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** Headless Chromium (Debian's) through playwright-core; `webgpu` adds the one flag WebGPU needs here. */
export async function launchChromium({ webgpu = true }: { webgpu?: boolean } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's "chromium" package (.ci/run does)`)
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'nexora-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-gpu']),
    ],
  })
  return {
    context,
    page: async (): Promise<Page> => context.pages()[0] ?? context.newPage(),
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export interface Recorded {
  url: string
  method: string
  headers: Record<string, string>
  body: string | null
}

/** Every request a page makes, with its headers and body, for the PHI-egress assertions. */
export function recordRequests(page: Page): Recorded[] {
  const seen: Recorded[] = []
  page.on('request', (r: Request) => {
    seen.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() })
  })
  return seen
}

export { staticServer } from '../devtools/static-server.ts'
