import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateFhirCohort } from '../../devtools/fhir-server/index.ts'
import { axeViolations, openBrowser, screenshot, startSiteServer } from '../../testkit/site.ts'

/**
 * The patient risk view end to end: a real `nexora serve` in dev mode (its synthetic dev FHIR
 * server, the demo models) and headless Chromium. The dev cohort is seeded, so the test knows
 * its patients' names by generating the same cohort.
 */
const PATIENTS = 12
let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
beforeAll(async () => {
  server = await startSiteServer({ NEXORA_DEV_FHIR_PATIENTS: String(PATIENTS) })
  browser = await openBrowser()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

type Patient = { id: string; gender: string; birthDate: string; name: { family: string; given: string[] }[] }
const cohort = generateFhirCohort({ patients: PATIENTS }).resources.filter((r) => r.resourceType === 'Patient') as unknown as Patient[]
const target = cohort[4]!
const fullName = `${target.name[0]!.given.join(' ')} ${target.name[0]!.family}`
const api = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } })).json()

describe('the patient risk view', () => {
  it('searches the FHIR server, scores the patient with an explanation, writes back a RiskAssessment and reports an adverse event', {
    timeout: 180_000,
  }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/patients`, 'desktop')
    await page.waitForSelector('main h1:text("Patients")')

    // Search with the keyboard: type part of the family name, Enter.
    await page.getByLabel('Name').fill(target.name[0]!.family.slice(0, 4).toLowerCase())
    await page.getByLabel('Name').press('Enter')
    const link = page.getByRole('link', { name: fullName })
    await link.waitFor({ timeout: 30_000 })
    const row = page.locator('tr', { has: link })
    expect(await row.textContent()).toContain(target.birthDate)
    expect(await row.textContent()).toContain(target.id)
    expect(await axeViolations(page), 'search').toEqual([])

    await link.click()
    await page.waitForURL(`**/#/patients/${target.id}`)
    await page.waitForSelector('.risk-score', { timeout: 60_000 })
    expect(await page.locator('main h1').textContent()).toBe(fullName)

    // The readmission model's risk, as a percentage, and its explanation as bars with text values.
    const card = page.locator('article.model-risk', { has: page.getByText('readmission-fhir@') })
    expect(await card.locator('.risk-score strong').textContent()).toMatch(/^\d{1,3}\.\d%$/)
    const bars = card.locator('.contrib-row')
    expect(await bars.count()).toBeGreaterThan(3)
    expect(await bars.first().locator('.contrib-value').textContent()).toMatch(/^[+−]\d+\.\d{3}, (raises|lowers) the risk$/)
    await card.getByText('Show as a table').click()
    expect(await card.locator('.contrib-table tbody tr').count()).toBe(await bars.count())

    // Inputs with the resources they came from: age from the Patient resource itself.
    const age = card.locator('table.features tr', { has: page.locator('th', { hasText: /^age/ }) })
    expect(await age.locator('td').first().textContent()).toMatch(/^\d+(\.\d+)?$/)
    expect(await age.locator('td').nth(1).textContent()).toContain(`Patient/${target.id}`)
    expect(await card.locator('table.features td code', { hasText: /^(Condition|Encounter|Observation)\// }).count()).toBeGreaterThan(0)

    // History from the audit trail: at least the prediction just made.
    const history = page.locator('section.history tbody tr')
    await history.first().waitFor({ timeout: 30_000 })
    expect(await history.first().textContent()).toContain('readmission-fhir@1.0.0')

    // Write the RiskAssessment back and show its id; the FHIR server has it (checked through the audit trail).
    await card.getByRole('button', { name: 'Write RiskAssessment back' }).click()
    const created = card.getByRole('status').filter({ hasText: 'RiskAssessment/' })
    await created.waitFor({ timeout: 30_000 })
    const assessmentId = /RiskAssessment\/(\S+)/.exec((await created.textContent())!)![1]!
    expect(assessmentId).not.toContain('no id')
    const writes = (await api(`/audit/events?patient=Patient/${target.id}&action=fhir.create`)) as {
      events: { context: { resourceType: string; id: string } }[]
    }
    expect(writes.events.map((e) => e.context)).toContainEqual({ resourceType: 'RiskAssessment', id: assessmentId })
    // Writing back scored again: the history shows it.
    await expect.poll(() => history.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)

    // Report an adverse event with the form: labelled controls, linked to model, version, patient and prediction.
    await card.getByRole('button', { name: 'Report adverse event' }).click()
    const form = card.getByRole('form', { name: 'Report adverse event' })
    await form.getByLabel('Type').selectOption('missed-deterioration')
    await form.getByLabel('Severity').selectOption('severe')
    await form.getByRole('button', { name: 'Submit report' }).click()
    await form.getByRole('alert').filter({ hasText: 'Describe the event' }).waitFor()
    await form.getByLabel('Description').fill('Score stayed low although the patient was readmitted within a week.')
    expect(await axeViolations(page), 'patient with form open').toEqual([])
    await form.getByRole('button', { name: 'Submit report' }).click()
    const recorded = card.getByRole('status').filter({ hasText: 'Adverse event' })
    await recorded.waitFor({ timeout: 30_000 })
    const eventId = /Adverse event (\S+) recorded/.exec((await recorded.textContent())!)![1]!
    const stored = await api(`/adverse-events/${eventId}`)
    expect(stored).toMatchObject({
      type: 'missed-deterioration',
      severity: 'severe',
      model: 'readmission-fhir',
      version: '1.0.0',
      patientRef: `Patient/${target.id}`,
    })
    expect(stored.predictionId).toMatch(/#0$/)
    expect(await card.getByRole('button', { name: 'Report adverse event' }).evaluate((b) => b === document.activeElement)).toBe(true)

    expect(await axeViolations(page), 'patient').toEqual([])
    await screenshot(page, 'patient-risk', 'desktop')
    expect(errors).toEqual([])
    // The name searched for and the birth date shown never reach the server's logs.
    expect(server.stderr()).not.toContain(target.name[0]!.family)
    expect(server.stderr()).not.toContain(target.birthDate)
    await page.close()
  })

  it('works at 360 px: no horizontal scrolling, axe clean, screenshot', { timeout: 120_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/patients/${cohort[1]!.id}`, 'phone')
    await page.waitForSelector('.risk-score', { timeout: 60_000 })
    await page.locator('section.history tbody tr').first().waitFor({ timeout: 30_000 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(await page.locator('main h1').textContent()).toBe(`Patient ${cohort[1]!.id}`)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'patient-risk', 'phone')
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows empty and error states: no match, no criterion, an unknown patient', { timeout: 120_000 }, async () => {
    const { page, errors } = await browser.open(`${server.url}/#/patients`, 'phone')
    await page.getByText('Search the EHR').waitFor()
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('alert').filter({ hasText: 'Enter a name or a birth date' }).waitFor()
    await page.getByLabel('Name').fill('zzqxv')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByText('No patient matches this search.').waitFor({ timeout: 30_000 })
    expect(await axeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.goto(`${server.url}/#/patients/nobody`)
    const alert = page.locator('article.model-risk [role="alert"]')
    await alert.waitFor({ timeout: 30_000 })
    expect(await alert.textContent()).toContain('The FHIR server has no such resource')
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1)
    expect(await axeViolations(page)).toEqual([])
    // The browser reports the 404 itself; nothing else may reach the console.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([])
    await page.close()
  })
})
