import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT, type JWK } from 'jose'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openBrowser, screenshot, startSiteServer, WIDTHS } from '../../testkit/site.ts'

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

const DEMO = ['mortality-transformer', 'readmission-deepfm', 'readmission-fhir', 'readmission-onnx', 'readmission-risk', 'survival-cox']
const settled = (page: Page) =>
  page.waitForFunction(() => !document.querySelector('[role="status"] progress, p.state[role="status"]:not(.ok)'), null, { timeout: 30_000 })

/** A token from the server's dev key with other scopes, so the UI can be seen as someone else. */
async function tokenFor(sub: string, scope: string) {
  const keys = JSON.parse(readFileSync(join(server.dir, 'dev-keys.json'), 'utf8')) as { kid: string; privateJwk: JWK }
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'ES384', kid: keys.kid, typ: 'JWT' })
    .setIssuer('urn:nexora:dev')
    .setAudience('nexora')
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(await importJWK(keys.privateJwk, 'ES384'))
}

describe('the model registry page', () => {
  it('lists the demo models with their stages, at phone and desktop widths, with no console errors and no axe violations', { timeout: 120_000 }, async () => {
    for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[]) {
      const { page, errors } = await browser.open(`${server.url}/#/models`, size)
      await page.waitForSelector('.model-list', { timeout: 30_000 })
      expect(await page.textContent('main h1')).toBe('Model registry')
      expect(await page.$$eval('.model-list > li h2', (hs) => hs.map((h) => h.textContent))).toEqual(DEMO)
      expect(await page.locator('.model-list .badge', { hasText: 'Production' }).count()).toBe(DEMO.length)
      expect(await axeViolations(page), size).toEqual([])
      await screenshot(page, 'models', size)
      expect(errors, size).toEqual([])
      await page.close()
    }
  })

  it('renders a version: model card as safe HTML, metrics, and the calibration plot or its empty state', { timeout: 120_000 }, async () => {
    for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[]) {
      const { page, errors } = await browser.open(`${server.url}/#/models/readmission-risk`, size)
      await page.waitForSelector('.model-card', { timeout: 30_000 })
      await settled(page)
      expect(await page.textContent('main h1')).toBe('readmission-risk')
      // The card's Markdown: heading with inline code, key/value table, fenced code, list.
      expect(await page.textContent('.model-card h4')).toBe('Model card: readmission-risk 1.0.0')
      expect(await page.textContent('.model-card h4 code')).toBe('readmission-risk')
      expect(await page.locator('.model-card th[scope="row"]', { hasText: 'Task' }).count()).toBe(1)
      expect(await page.locator('.model-card pre code').count()).toBeGreaterThan(0)
      expect(await page.locator('.model-card ul li').count()).toBeGreaterThan(0)
      expect(await page.locator('.model-card h5', { hasText: 'Intended use' }).count()).toBe(1)
      // Metrics from the manifest.
      const auroc = page.locator('table.metrics tr', { hasText: 'AUROC' }).first()
      expect(await auroc.textContent()).toContain('0.746')
      expect(await page.locator('table.metrics tr', { hasText: 'Decision threshold' }).textContent()).toContain('0.3')
      // No calibration bins in this manifest and no outcomes in monitoring: an empty state, not a blank.
      expect(await page.locator('section[aria-labelledby="calibration-h"] .state.empty').textContent()).toContain('No calibration yet')
      expect(await axeViolations(page), size).toEqual([])
      await screenshot(page, 'models-version', size)
      expect(errors, size).toEqual([])
      await page.close()
    }
    // survival-cox records held-out calibration (thirds) in its metrics: plotted, with the numbers.
    const { page, errors } = await browser.open(`${server.url}/#/models/survival-cox/1.0.0`)
    await page.waitForSelector('.calibration-plot[role="img"] canvas', { timeout: 30_000 })
    expect(await page.getAttribute('.calibration-plot[role="img"]', 'aria-label')).toMatch(/^Calibration plot: 3 bins; /)
    expect(await page.locator('.calibration details tbody tr').count()).toBe(3)
    // uPlot drew the plot on its canvas, including the three bins' dots in the curve's colour (#0b4f6c).
    const drawn = await page.$eval('.calibration-plot canvas', (c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data
      let any = 0
      let curve = 0
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3]! > 0) any++
        if (d[i + 3] === 255 && d[i] === 0x0b && d[i + 1] === 0x4f && d[i + 2] === 0x6c) curve++
      }
      return { any, curve }
    })
    expect(drawn.any).toBeGreaterThan(1000)
    expect(drawn.curve).toBeGreaterThan(100)
    expect(await page.textContent('.calibration figcaption')).toContain('Held-out evaluation')
    expect(await axeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('promotes a version to staging and archives one, each behind a confirm step, showing the new stage', { timeout: 120_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/models/readmission-deepfm/1.0.0`)
    await page.waitForSelector('.stage-actions', { timeout: 30_000 })
    expect(await page.isDisabled('button:has-text("Promote to production")')).toBe(true) // already production
    await page.click('button:has-text("Promote to staging")')
    // The confirm step, focused; cancelling changes nothing.
    await page.waitForSelector('.confirm')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('confirm'))).toBe(true)
    await page.click('.confirm button:has-text("Cancel")')
    expect(await page.locator('.confirm').count()).toBe(0)
    await page.click('button:has-text("Promote to staging")')
    await page.click('.confirm button:has-text("Confirm")')
    await page.waitForSelector('.stage-actions .state.ok')
    expect(await page.textContent('.stage-actions .state.ok')).toBe('readmission-deepfm 1.0.0 is now staging.')
    expect(await page.textContent('#version-h .badge')).toBe('Staging')
    expect(await page.textContent('tr.selected td .badge')).toBe('Staging')
    expect(await page.textContent('tr.selected td:nth-child(3)')).toBe('production, staging, latest')
    const api = (await (await fetch(`${server.url}/models/readmission-deepfm`, { headers: { authorization: `Bearer ${server.token}` } })).json()) as {
      aliases: Record<string, string>
      versions: { stage: string }[]
    }
    expect([api.aliases.staging, api.versions[0]!.stage]).toEqual(['1.0.0', 'staging'])

    await page.goto(`${server.url}/#/models/readmission-onnx/1.0.0`)
    await page.waitForSelector('#version-h:has-text("Version 1.0.0")')
    await page.waitForSelector('button:has-text("Archive")')
    await page.click('button:has-text("Archive")')
    expect(await page.textContent('.confirm')).toContain('serves no more predictions')
    await page.click('.confirm button:has-text("Confirm")')
    await page.waitForSelector('.stage-actions .state.ok')
    expect(await page.textContent('.stage-actions .state.ok')).toBe('readmission-onnx 1.0.0 is now archived.')
    expect(await page.isDisabled('button:has-text("Promote to staging")')).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows an API error by its title, and hides the stage actions from callers without nexora/models.write', { timeout: 60_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/models/no-such-model`)
    await page.waitForSelector('[role="alert"]', { timeout: 30_000 })
    expect(await page.textContent('[role="alert"] strong')).toBeTruthy()
    expect(await page.textContent('[role="alert"]')).not.toMatch(/at \w+ \(|Error:/)
    expect(errors.filter((e) => !/404/.test(e))).toEqual([])

    const viewer = await tokenFor('viewer-1', 'nexora/models.read')
    await page.evaluate((t) => sessionStorage.setItem('nexora.session', t), viewer)
    await page.goto(`${server.url}/#/models/readmission-risk/1.0.0`)
    await page.reload()
    await page.waitForSelector('.model-card', { timeout: 30_000 })
    expect(await page.textContent('.who')).toBe('viewer-1')
    expect(await page.locator('.stage-actions').count()).toBe(0)
    expect(await page.locator('button:has-text("Promote")').count()).toBe(0)
    expect(await page.textContent('section.version')).toContain('needs the nexora/models.write scope')
    await page.close()
  })
})
