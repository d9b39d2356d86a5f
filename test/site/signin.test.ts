/**
 * OIDC sign-in, end to end and production-like: `nexora serve` in production mode with the dev
 * FHIR server (run here) as its OpenID provider and token issuer, headless Chromium through the
 * sign-in page → authorize (PKCE) → /callback → back where the user started, signed in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDevFhirServer } from '../../devtools/fhir-server/index.ts'
import { startServe, type ServeProcess } from '../../testkit/serve-process.ts'
import { axeViolations, ensureSiteBuilt, openBrowser, screenshot } from '../../testkit/site.ts'

const dev = createDevFhirServer({ cohort: { patients: 3 }, staticTokens: ['unused'], smartApp: { audience: 'nexora', clientIds: ['nexora-ui'] } })
let provider: { url: string; close(): void }
let server: ServeProcess
let dir: string
let browser: Awaited<ReturnType<typeof openBrowser>>

beforeAll(async () => {
  const site = await ensureSiteBuilt()
  provider = await new Promise((resolve) => {
    const s = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
    )
  })
  dir = mkdtempSync(join(tmpdir(), 'nexora-signin-'))
  // Production mode writes no dev token; the process kit reads one, so leave a placeholder.
  writeFileSync(join(dir, 'dev-token'), 'none')
  server = await startServe(dir, {
    NODE_ENV: 'production',
    NEXORA_SITE_DIR: site,
    NEXORA_JWKS_URL: `${provider.url}/.well-known/jwks.json`,
    NEXORA_JWT_ISSUERS: provider.url,
    NEXORA_JWT_AUDIENCE: 'nexora',
    NEXORA_OIDC_ISSUER: provider.url,
    NEXORA_OIDC_CLIENT_ID: 'nexora-ui',
  })
  browser = await openBrowser()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  if (server) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  provider?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

describe('OIDC sign-in (production mode)', () => {
  it('serves no dev token, and tells the app to sign in with the provider', async () => {
    expect(server.stderr()).toContain('(production)')
    expect((await fetch(`${server.url}/ui/dev-token`)).status).toBe(404)
    expect(await (await fetch(`${server.url}/ui/config`)).json()).toMatchObject({ signIn: 'oidc', issuer: provider.url, clientId: 'nexora-ui' })
    // The shell may call the provider (discovery, token exchange) and nothing else off its origin.
    expect((await fetch(`${server.url}/`)).headers.get('content-security-policy')).toContain(`connect-src 'self' ${provider.url}`)
  })

  it('signs in with authorization code + PKCE and comes back to the page it started on', { timeout: 120_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/models`, 'phone')
    await page.waitForSelector('main h1', { timeout: 30_000 })
    expect(await page.textContent('main h1')).toBe('Sign in to Nexora')
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'signin', 'phone')
    await page.setViewportSize({ width: 1280, height: 860 })
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'signin', 'desktop')
    // Keyboard: the sign-in button is reachable with Tab and works with Enter.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Sign in with 127\.0\.0\.1:\d+$/)
    await page.keyboard.press('Enter')
    // (The start URL already looks like the end one: wait for the session, then the page.)
    await page.waitForFunction(() => sessionStorage.getItem('nexora.session') && location.pathname === '/' && location.hash === '#/models', null, {
      timeout: 30_000,
    })
    await page.waitForFunction(
      () => {
        const h1 = document.querySelector('main h1')?.textContent
        return h1 && h1 !== 'Sign in to Nexora'
      },
      null,
      { timeout: 30_000 },
    )
    const token = await page.evaluate(() => sessionStorage.getItem('nexora.session'))
    expect(claims(token!)).toMatchObject({ iss: provider.url, aud: 'nexora' })
    expect(claims(token!).patient).toBeUndefined()
    const models = await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${token}` } })
    expect(models.status).toBe(200)
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows the provider being unavailable by title, never a stack', { timeout: 60_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/`)
    await page.waitForSelector('main h1')
    dev.faults.failNext(1, { status: 503, path: '/.well-known/openid-configuration' })
    await page.click('button')
    const alert = await page.waitForSelector('[role="alert"]', { timeout: 30_000 })
    expect(await alert.textContent()).toMatch(/^The sign-in provider (could not be reached|did not publish its OpenID configuration)/)
    expect(await page.textContent('body')).not.toMatch(/\bat \S+:\d+:\d+/)
    expect(await axeViolations(page)).toEqual([])
    // The only console noise is the browser reporting the failed request itself.
    expect(errors.filter((e) => !/Failed to load resource|CORS policy/.test(e))).toEqual([])
    // And it can be tried again.
    await page.click('button')
    await page.waitForFunction(() => location.pathname === '/' && location.hash === '#/patients' && sessionStorage.getItem('nexora.session'), null, {
      timeout: 30_000,
    })
    await page.close()
  })
})
