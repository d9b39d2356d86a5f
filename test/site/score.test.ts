import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page, Request } from 'playwright-core'
import { featuresFromBundle } from '../../site/pages/score/fhir-features.ts'
import { axeViolations, openBrowser, screenshot, startSiteServer, type WIDTHS } from '../../testkit/site.ts'

const FEATURES = { age: 83, sex: 'M', systolic_bp: 131, hba1c: 9.7, egfr: 37, prior_admissions: 4, length_of_stay: 11, on_anticoagulant: false }
const DAY = 86_400_000
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString()

/** A synthetic FHIR Bundle that maps to FEATURES (on_anticoagulant is not mapped: the form keeps false). */
function bundle() {
  const born = new Date()
  born.setUTCFullYear(born.getUTCFullYear() - 83)
  born.setUTCDate(born.getUTCDate() - 20)
  const obs = (code: string, value: number, daysAgo: number, extra: object = {}) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    effectiveDateTime: iso(daysAgo * DAY),
    ...(value === -1 ? {} : { valueQuantity: { value } }),
    ...extra,
  })
  const stay = (startDaysAgo: number, days: number) => ({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
    period: { start: iso(startDaysAgo * DAY), end: iso((startDaysAgo - days) * DAY) },
  })
  const resources = [
    {
      resourceType: 'Patient',
      id: 'tab-secret-7731',
      name: [{ family: 'Secretson', given: ['Tabitha'] }],
      gender: 'male',
      birthDate: born.toISOString().slice(0, 10),
    },
    obs('85354-9', -1, 3, {
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 131 } },
        { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80 } },
      ],
    }),
    obs('8480-6', 150, 40), // older: the panel above is the latest
    obs('4548-4', 8.0, 200),
    obs('4548-4', 9.7, 10),
    obs('33914-3', 37, 5),
    stay(12, 11),
    stay(60, 3),
    stay(120, 5),
    stay(200, 2),
    stay(300, 4),
    stay(500, 6), // the last is over a year before the index stay
    { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: iso(30 * DAY), end: iso(30 * DAY) } },
  ]
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) }
}

describe('FHIR Bundle → features (parsed in the tab)', () => {
  it('maps Patient, the latest Observations by LOINC and inpatient Encounters, and lists what it could not find', () => {
    const m = featuresFromBundle(bundle())
    expect(m.features).toEqual({ age: 83, sex: 'M', systolic_bp: 131, hba1c: 9.7, egfr: 37, prior_admissions: 4, length_of_stay: 11 })
    expect(m.notFound).toEqual([])
    expect(featuresFromBundle({ resourceType: 'Patient', gender: 'female', birthDate: '1950' }, new Date('2026-06-01T00:00:00Z'))).toMatchObject({
      features: { sex: 'F', age: 76 },
      notFound: ['systolic_bp', 'hba1c', 'egfr', 'length_of_stay', 'prior_admissions'],
    })
    expect(() => featuresFromBundle({ resourceType: 'Observation' })).toThrow()
  })
})

let server: Awaited<ReturnType<typeof startSiteServer>>
let serverScore: number
beforeAll(async () => {
  server = await startSiteServer()
  const res = await fetch(`${server.url}/predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'readmission-onnx', rows: [{ features: FEATURES }] }),
  })
  serverScore = ((await res.json()) as { predictions: { score: number }[] }).predictions[0]!.score
}, 180_000)
afterAll(async () => {
  await server?.close()
})

interface Seen {
  url: string
  method: string
  body: string | null
  headers: Record<string, string>
}

/**
 * Open the score page with every request of the browser recorded (pages and the service worker),
 * and wait for the model to be ready on the device. `sinceReady()` is what was requested after that.
 */
async function openScore(browser: Awaited<ReturnType<typeof openBrowser>>, size: keyof typeof WIDTHS) {
  const all: Seen[] = []
  const record = (r: Request) => {
    all.push({ url: r.url(), method: r.method(), body: r.postData(), headers: r.headers() })
  }
  browser.context.on('request', record)
  const opened = await browser.open(`${server.url}/#/score`, size)
  await opened.page.waitForSelector('main h1', { timeout: 30_000 })
  await opened.page.waitForSelector('[data-engine="ready"], [data-engine="error"]', { state: 'attached', timeout: 90_000 })
  expect(await opened.page.getAttribute('[data-engine]', 'data-engine'), `${await opened.page.textContent('main')} ${opened.errors.join('; ')}`).toBe('ready')
  const ready = all.length
  return { ...opened, all, sinceReady: () => all.slice(ready), stop: () => browser.context.off('request', record) }
}

async function fill(page: Page, features: Record<string, number | string | boolean>) {
  for (const [k, v] of Object.entries(features)) {
    if (typeof v === 'boolean') await page.locator(`input[name="${k}"]`).setChecked(v)
    else if (k === 'sex') await page.locator(`select[name="${k}"]`).selectOption(String(v))
    else await page.locator(`input[name="${k}"]`).fill(String(v))
  }
}

async function scoreOnPage(page: Page) {
  await page.evaluate(() => document.querySelector('output[data-score]')?.remove())
  await page.getByRole('button', { name: 'Score on this device' }).click()
  const out = page.locator('output[data-score]')
  await out.waitFor({ timeout: 60_000 })
  return { score: Number(await out.getAttribute('data-score')), provider: await out.getAttribute('data-provider') }
}

const SECRETS = ['tab-secret', 'Secretson', 'Tabitha']
/** The shell's own requests while it starts (before any patient is entered): sign-in config, dev token, service worker. */
const SHELL = /^\/(|ui\/config|ui\/dev-token|sw\.js|manifest\.webmanifest)$/
const APP_FILE = /^\/app\/(main\.(js|css)|icon\.svg|chunks\/[\w.-]+|models\/readmission-onnx\/(manifest\.json|model\.onnx)|ort\/[\w.-]+)$/

/**
 * No request carries patient data: every request is a GET with no body and no query, none names the
 * patient; from the moment the model is ready (patient data entered after that), only GETs of the
 * app's own files under /app/ (page chunks, the model, ONNX Runtime).
 */
function expectNoPatientEgress(opened: { all: Seen[]; sinceReady: () => Seen[] }) {
  const origin = new URL(server.url).origin
  for (const r of opened.all) {
    const url = new URL(r.url)
    expect([r.method, url.origin, r.body, url.search], r.url).toEqual(['GET', origin, null, ''])
    expect(url.pathname, r.url).toMatch(new RegExp(`${SHELL.source}|${APP_FILE.source}`))
    const carried = `${r.url}\n${JSON.stringify(r.headers)}`
    for (const secret of SECRETS) expect(carried).not.toContain(secret)
  }
  for (const r of opened.sinceReady()) expect(new URL(r.url).pathname, r.url).toMatch(APP_FILE)
}

describe('in-browser scoring page', () => {
  it('scores on WebGPU in the tab, matches POST /predict to 1e-5, loads a FHIR Bundle from disk, and sends no patient data', { timeout: 240_000 }, async () => {
    const browser = await openBrowser({ webgpu: true })
    try {
      const opened = await openScore(browser, 'desktop')
      const { page, errors } = opened
      expect(await page.getAttribute('[data-engine]', 'data-provider')).toBe('webgpu')
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
      await fill(page, FEATURES)
      const typed = await scoreOnPage(page)
      expect(typed.provider).toBe('webgpu')
      expect(Math.abs(typed.score - serverScore)).toBeLessThan(1e-5)
      expect(await page.textContent('main')).toContain('WebGPU')

      // The same patient from a FHIR Bundle read on this device: the form is filled in the tab.
      await fill(page, { age: 50, sex: 'F', systolic_bp: 110, hba1c: 5.5, egfr: 90, prior_admissions: 0, length_of_stay: 1, on_anticoagulant: false })
      await page
        .getByLabel(/Load a FHIR Bundle/)
        .setInputFiles({ name: 'patient-bundle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle())) })
      await page.getByText('From patient-bundle.json: 7 values filled in').waitFor()
      expect(await page.inputValue('input[name="age"]')).toBe('83')
      expect(await page.inputValue('select[name="sex"]')).toBe('M')
      const fromBundle = await scoreOnPage(page)
      expect(Math.abs(fromBundle.score - serverScore)).toBeLessThan(1e-5)

      expectNoPatientEgress(opened)
      opened.stop()
      expect(await page.getAttribute('.egress', 'data-egress')).toBe('0')
      expect(await page.textContent('.egress')).toContain('No patient data leaves this device.')
      expect(await axeViolations(page)).toEqual([])
      await screenshot(page, 'score', 'desktop')
      expect(errors).toEqual([])
      await page.close()

      const phone = await openScore(browser, 'phone')
      await fill(phone.page, FEATURES)
      expect(Math.abs((await scoreOnPage(phone.page)).score - serverScore)).toBeLessThan(1e-5)
      expect(await phone.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1)).toBe(true)
      expect(await axeViolations(phone.page)).toEqual([])
      await screenshot(phone.page, 'score', 'phone')
      expect(phone.errors).toEqual([])
      expectNoPatientEgress(phone)
    } finally {
      await browser.close()
    }
  })

  it('falls back to WASM without WebGPU with the same score, and scores offline once the app has been loaded', { timeout: 240_000 }, async () => {
    const browser = await openBrowser({ webgpu: false })
    try {
      const opened = await openScore(browser, 'desktop')
      const { page, errors } = opened
      expect(await page.getAttribute('[data-engine]', 'data-provider')).toBe('wasm')
      await fill(page, FEATURES)
      const r = await scoreOnPage(page)
      expect(r.provider).toBe('wasm')
      expect(Math.abs(r.score - serverScore)).toBeLessThan(1e-5)
      expect(await page.textContent('main')).toContain('WebAssembly')
      expectNoPatientEgress(opened)
      expect(errors).toEqual([])

      // Offline: the service worker serves the shell, page chunks and ONNX Runtime; the model is on the device.
      await page.waitForSelector('[data-offline="ready"]', { timeout: 60_000 })
      await browser.context.setOffline(true)
      await page.reload()
      expect(
        await page.evaluate(() =>
          fetch('/health').then(
            () => 'reached',
            () => 'offline',
          ),
        ),
      ).toBe('offline') // really offline
      await page.waitForSelector('[data-engine="ready"]', { timeout: 90_000 })
      await fill(page, FEATURES)
      expect(Math.abs((await scoreOnPage(page)).score - serverScore)).toBeLessThan(1e-5)
      await browser.context.setOffline(false)
    } finally {
      await browser.close()
    }
  })
})
