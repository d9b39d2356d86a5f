/**
 * SMART on FHIR EHR launch, end to end: a real `nexora serve` in dev mode (its dev FHIR server is
 * the "EHR" and the SMART authorization server), headless Chromium through /launch-demo →
 * /launch → authorize (PKCE) → /callback → token → the launch patient's risk view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { codeChallenge, randomToken } from '../../site/auth/oauth.ts'
import { axeViolations, openBrowser, screenshot, startSiteServer } from '../../testkit/site.ts'

let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
let fhir: string
beforeAll(async () => {
  server = await startSiteServer()
  browser = await openBrowser()
  fhir = /FHIR:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(server.stderr())![1]!
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

describe('SMART on FHIR EHR launch', () => {
  it('launches from the EHR straight into the launch patient, with a token Nexora accepts', { timeout: 120_000 }, async () => {
    expect(server.stderr()).toContain(`SMART launch demo: ${fhir}/launch-demo?patient=`)
    const { page, errors } = await browser.open(`${fhir}/launch-demo?patient=pt-0002`)
    // (Polled, not waitForURL: the last step is a same-document hash change.)
    await page.waitForFunction(() => location.pathname === '/' && location.hash === '#/patients/pt-0002', null, { timeout: 30_000 })
    expect(new URL(page.url()).origin).toBe(server.url)
    await page.waitForSelector('main h1', { timeout: 30_000 })
    // The code and state are gone from the address bar; the token is this tab's session.
    expect(new URL(page.url()).search).toBe('')
    const token = await page.evaluate(() => sessionStorage.getItem('nexora.session'))
    expect(claims(token!)).toMatchObject({ iss: fhir, aud: 'nexora', patient: 'pt-0002', sub: 'Practitioner/dev-clinician' })
    expect(String(claims(token!).scope).split(' ')).toEqual(expect.arrayContaining(['launch', 'openid', 'nexora/predict']))
    expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('nexora.oauth.')))).toEqual([])
    // Nexora trusts the EHR's authorization server.
    const models = await fetch(`${server.url}/models`, { headers: { authorization: `Bearer ${token}` } })
    expect(models.status).toBe(200)
    const scored = await fetch(`${server.url}/fhir/patient/pt-0002/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-fhir' }),
    })
    expect(scored.status).toBe(200)
    await screenshot(page, 'launch-patient', 'desktop')
    expect(errors).toEqual([])
    await page.close()
  })

  it('has the token endpoint refuse a wrong PKCE verifier', async () => {
    const demo = await fetch(`${fhir}/launch-demo?patient=pt-0001`, { redirect: 'manual' })
    const launch = new URL(demo.headers.get('location')!).searchParams.get('launch')!
    const verifier = randomToken(32)
    const redirectUri = `${server.url}/callback`
    const authorize = new URL(`${fhir}/auth/authorize`)
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: 'nexora-ui',
      redirect_uri: redirectUri,
      scope: 'launch openid patient/*.rs nexora/predict',
      state: 's',
      aud: fhir,
      launch,
      code_challenge: await codeChallenge(verifier),
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v)
    const back = await fetch(authorize, { redirect: 'manual' })
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!
    const exchange = (codeVerifier: string) =>
      fetch(`${fhir}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'nexora-ui', code_verifier: codeVerifier }),
      })
    const wrong = await exchange(randomToken(32))
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' })
    // And the code is spent: the right verifier no longer helps.
    expect((await exchange(verifier)).status).toBe(400)
  })

  it('shows an error state (by title, accessible, no console errors) for an untrusted or broken launch', { timeout: 120_000 }, async () => {
    const cases: [string, string][] = [
      [`/launch?iss=${encodeURIComponent('https://ehr.evil.example/fhir')}&launch=abc`, 'This EHR is not one Nexora trusts'],
      [`/launch?iss=not-a-url&launch=abc`, 'The launch link names an invalid FHIR server'],
      ['/launch', 'The launch link is incomplete'],
      ['/callback?code=abc&state=forged', 'This sign-in has expired or was already used'],
    ]
    for (const [path, title] of cases) {
      for (const size of ['phone', 'desktop'] as const) {
        const { page, errors } = await browser.open(`${server.url}${path}`, size)
        const alert = await page.waitForSelector('[role="alert"]', { timeout: 30_000 })
        expect(await alert.textContent()).toContain(title)
        expect(await page.textContent('main h1')).toBeTruthy()
        expect(await page.textContent('body')).not.toMatch(/\bat \S+:\d+:\d+|Error:/)
        expect(await axeViolations(page), `${path} ${size}`).toEqual([])
        if (path === cases[0]![0]) await screenshot(page, 'launch-error', size)
        expect(errors, path).toEqual([])
        await page.close()
      }
    }
  })

  it("shows an authorization server's refusal by title", { timeout: 60_000 }, async () => {
    // An unknown launch id: the dev EHR redirects back to /callback with error=invalid_request.
    const { page, errors } = await browser.open(`${server.url}/launch?iss=${encodeURIComponent(fhir)}&launch=made-up`)
    const alert = await page.waitForSelector('[role="alert"]', { timeout: 30_000 })
    expect(await alert.textContent()).toContain('The EHR refused the launch')
    expect(new URL(page.url()).pathname).toBe('/callback')
    expect(await axeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})
