import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { axeViolations, openBrowser, screenshot, startSiteServer } from '../../testkit/site.ts'

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

// Synthetic: every identifier is made up. The emoji before the name checks UTF-16 offsets.
const NOTE = 'Progress note 🩺 Pt John Smith, DOB 03/14/1950, MRN: A884213, seen today.\nCall (617) 555-0142 or john.smith@example.com. BP 132/84, HbA1c 8.1 %.'
const PHI = ['John Smith', '03/14/1950', 'A884213', '(617) 555-0142', 'john.smith@example.com']

/** Open a page and wait for its heading. */
async function open(path: string, size: 'phone' | 'desktop') {
  const opened = await browser.open(`${server.url}${path}`, size)
  await opened.page.waitForSelector('main h1', { timeout: 30_000 })
  return opened
}

async function detect(page: Page, note = NOTE) {
  await page.getByLabel('Clinical note').fill(note)
  await page.getByRole('button', { name: 'Find PHI' }).click()
  await page.waitForSelector('mark.phi[data-type]')
}

describe('the de-identification workbench', () => {
  it('highlights the PHI in a note by type, applies the chosen operators, and downloads the result with PHI replaced', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/deid', 'desktop')
    await detect(page)
    const marks = await page.$$eval('.deid-text mark.phi', (ms) => ms.map((m) => ({ type: m.getAttribute('data-type'), text: m.textContent })))
    // Each mark is "<TYPE label><the exact identifier>": the UTF-16 offsets slice the note exactly, after the emoji too.
    expect(marks).toEqual(
      expect.arrayContaining([
        { type: 'NAME', text: 'NAMEJohn Smith' },
        { type: 'DATE', text: 'DATE03/14/1950' },
        { type: 'MRN', text: 'MRNA884213' },
        { type: 'PHONE', text: 'PHONE(617) 555-0142' },
        { type: 'EMAIL', text: 'EMAILjohn.smith@example.com' },
      ]),
    )
    expect(await page.textContent('.deid-text')).not.toContain('132/84NAME')
    const legend = await page.textContent('.deid-legend')
    for (const t of ['NAME', 'DATE', 'MRN', 'PHONE', 'EMAIL']) expect(legend).toContain(t)

    await page.getByLabel('Operator for NAME').selectOption('replace')
    await page.getByLabel('Operator for MRN').selectOption('mask')
    await page.getByRole('button', { name: 'De-identify' }).click()
    await page.waitForSelector('.deid-output')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download/ }).click()])
    expect(download.suggestedFilename()).toBe('deidentified-note.txt')
    const text = readFileSync((await download.path())!, 'utf8')
    for (const p of PHI) expect(text).not.toContain(p)
    expect(text).toContain('[NAME]')
    expect(text).toMatch(/MRN: \*{7}/)
    expect(text).toContain('BP 132/84, HbA1c 8.1 %') // clinical values stay
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'deid', 'desktop')
    expect(errors).toEqual([])
    await page.close()
  })

  it('detects PHI in an uploaded FHIR resource and downloads it de-identified', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/deid', 'desktop')
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Okafor', given: ['Adaeze'] }],
      birthDate: '1961-07-22',
      telecom: [{ system: 'phone', value: '617-555-0199' }],
    }
    await page
      .getByLabel('Or open a FHIR resource (JSON)')
      .setInputFiles({ name: 'patient.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(patient)) })
    await page.getByText('Loaded patient.json').waitFor()
    await page.getByRole('button', { name: 'Find PHI' }).click()
    await page.waitForSelector('table code')
    const paths = await page.$$eval('table code', (cs) => cs.map((c) => c.textContent))
    expect(paths).toEqual(expect.arrayContaining(['Patient.name[0]', 'Patient.birthDate', 'Patient.telecom[0]']))
    await page.getByRole('button', { name: 'De-identify' }).click()
    await page.waitForSelector('.deid-output')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Download/ }).click()])
    expect(download.suggestedFilename()).toBe('deidentified-Patient.json')
    const out = readFileSync((await download.path())!, 'utf8')
    expect(JSON.parse(out).resourceType).toBe('Patient')
    for (const p of ['Okafor', 'Adaeze', '1961-07-22', '617-555-0199']) expect(out).not.toContain(p)
    expect(errors).toEqual([])
    await page.close()
  })

  it('works at phone width: highlighted note, axe clean, no console errors', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/deid', 'phone')
    await detect(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1)).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'deid', 'phone')
    expect(errors).toEqual([])
    await page.close()
  })
})
