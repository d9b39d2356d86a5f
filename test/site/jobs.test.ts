import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fmtEta, NO_FILTERS, worklistQuery } from '../../site/pages/jobs/types.ts'
import { axeViolations, openBrowser, screenshot, startSiteServer, type WIDTHS } from '../../testkit/site.ts'

// `nexora serve` in dev mode: population jobs on the in-process queue, worked by the server itself, over its dev FHIR server.
const PATIENTS = 60
let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
let jobId = ''

const get = async <T>(path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } })).json() as Promise<T>

beforeAll(async () => {
  server = await startSiteServer({ NEXORA_DEV_FHIR_PATIENTS: String(PATIENTS) })
  browser = await openBrowser()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(path: string, size: keyof typeof WIDTHS = 'desktop') {
  const opened = await browser.open(`${server.url}${path}`, size)
  await opened.page.waitForSelector('main h1', { timeout: 30_000 })
  return opened
}

/** The worklist's rows as shown: patient id, the link's target, the score (null when not scored) and status. */
const worklist = (page: Page) =>
  page.$$eval('table.jobs-worklist tbody tr', (trs) =>
    trs.map((tr) => {
      const cells = tr.querySelectorAll('td')
      const score = cells[1]!.getAttribute('data-score')
      return {
        rank: Number(cells[0]!.textContent),
        patient: tr.querySelector('th a')!.textContent!,
        href: tr.querySelector('th a')!.getAttribute('href'),
        score: score === null ? null : Number(score),
        shown: cells[1]!.textContent,
        status: cells[3]!.textContent,
      }
    }),
  )
const rowCount = (page: Page, n: number) =>
  page.waitForFunction((n) => document.querySelectorAll('table.jobs-worklist tbody tr').length === n, n, { timeout: 60_000 })

describe('the population jobs page', () => {
  it('starts a job from the form, follows it to completion in the list, and stops polling once none runs', { timeout: 240_000 }, async () => {
    const { page, errors } = await open('/#/jobs')
    await page.getByLabel('Model').selectOption('readmission-fhir')
    await page.getByLabel('Patients to score').selectOption('group')
    await page.getByLabel('Group id').fill('all')
    await page.getByLabel('Shard size (optional)').fill('20')
    await page.getByRole('button', { name: 'Start job' }).click()
    // Either outcome ends the wait, so a refusal fails here with the server's words, not a timeout.
    const outcome = page.locator('main').locator('.state.ok, [role="alert"]')
    await outcome.first().waitFor({ timeout: 60_000 })
    expect(await outcome.first().textContent()).toMatch(/^Started readmission-fhir@[\w.-]+ \(job [0-9a-f-]{36}\)\.$/)
    jobId = (await page.textContent('main .state.ok code'))!
    const row = page.locator(`tr[data-job="${jobId}"]`)
    await row.waitFor({ timeout: 60_000 })
    await page.locator(`tr[data-job="${jobId}"][data-state="completed"]`).waitFor({ timeout: 180_000 })
    // The completed row's counts arrive with its final status.
    await page.waitForFunction((id) => document.querySelector(`tr[data-job="${id}"] .job-progress`)?.textContent?.includes('/'), jobId, { timeout: 30_000 })
    const status = await get<{ job: { total: number; version: string }; progress: { done: number } }>(`/jobs/population/${jobId}`)
    expect(status.job.total).toBe(PATIENTS)
    expect(await row.locator('th').textContent()).toBe(`readmission-fhir@${status.job.version}`)
    expect(await row.locator('.job-progress').textContent()).toBe(`${PATIENTS}/${PATIENTS}`)
    expect(await row.locator('progress').getAttribute('value')).toBe(String(PATIENTS))
    expect(await row.locator('td').nth(3).textContent()).toMatch(/\/s$/)

    // Nothing runs any more: the page asks nothing further.
    const asked: string[] = []
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/jobs/population')) asked.push(r.url())
    })
    await page.waitForTimeout(6000)
    expect(asked).toEqual([])
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'jobs', 'desktop')
    expect(errors).toEqual([])
    await page.close()
  })

  it('opens the job: progress, reasons, and a worklist in descending risk with top N, a minimum-risk filter and a CSV download', {
    timeout: 180_000,
  }, async () => {
    expect(jobId).not.toBe('')
    const { page, errors } = await open('/#/jobs')
    await page.locator(`tr[data-job="${jobId}"] th a`).click()
    await page.waitForFunction((id) => location.hash === `#/jobs/${id}`, jobId)
    await page.waitForSelector('table.jobs-worklist', { timeout: 60_000 })
    expect(await page.textContent('main h1')).toMatch(/^readmission-fhir@/)
    const counts = (await page.textContent('.jobs-counts'))!
    expect(counts).toMatch(new RegExp(`^${PATIENTS} of ${PATIENTS} done: \\d+ scored, \\d+ skipped, 0 failed\\.`))
    expect(await page.getAttribute('.jobs-counts', 'aria-live')).toBe('polite')
    expect(await page.locator('button', { hasText: 'Cancel job' }).count()).toBe(0)
    // The reasons table matches the API's, or the page says every patient was scored.
    const { reasons } = await get<{ reasons: { reason: string; count: number }[] }>(`/jobs/population/${jobId}`)
    if (reasons.length)
      expect(
        await page.$$eval('table.jobs-reasons tbody tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.lastElementChild!.textContent])),
      ).toEqual(reasons.map((r) => [r.reason, String(r.count)]))
    else expect(await page.textContent('section[aria-labelledby="jobs-reasons"]')).toContain('Every patient done so far was scored.')

    // Top 50 by default: scored rows by descending score, then the skipped ones; each patient links to the risk view.
    await rowCount(page, 50)
    let rows = await worklist(page)
    expect(rows.map((r) => r.rank)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const scored = rows.filter((r) => r.score !== null)
    expect(scored.length).toBeGreaterThan(0)
    expect(rows.slice(0, scored.length)).toEqual(scored)
    expect(scored.map((r) => r.score)).toEqual(scored.map((r) => r.score).sort((a, b) => b! - a!))
    expect(scored[0]!.shown).toBe(`${(scored[0]!.score! * 100).toFixed(1)}%`)
    expect(rows.every((r) => r.href === `#/patients/${encodeURIComponent(r.patient)}`)).toBe(true)
    await page.getByLabel('Show top').selectOption('25')
    await rowCount(page, 25)
    await page.getByLabel('Show top').selectOption('100')
    await rowCount(page, PATIENTS) // fewer patients than the choice: all of them
    rows = await worklist(page)
    expect(new Set(rows.map((r) => r.patient)).size).toBe(PATIENTS)

    // A minimum risk at the 10th highest score: exactly the rows the API has at or above it, each shown score at least that.
    const min = Math.floor(scored[9]!.score! * 1000) / 10
    const expected = (await get<{ scores: unknown[] }>(`/jobs/population/${jobId}/scores?limit=100&minScore=${min / 100}`)).scores.length
    expect(expected).toBeGreaterThanOrEqual(10)
    await page.getByLabel('Minimum risk (%)').fill(String(min))
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await rowCount(page, expected)
    rows = await worklist(page)
    expect(rows.every((r) => r.score !== null && r.score >= min / 100 && Number.parseFloat(r.shown) >= min)).toBe(true)
    expect(await page.textContent('table.jobs-worklist caption')).toBe(`Top 100 by risk: ${expected} patients shown`)

    // The CSV holds the rows shown, fetched with the session's token.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    expect(file.suggestedFilename()).toBe(`worklist-${jobId}.csv`)
    const lines = readFileSync((await file.path())!, 'utf8')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe('patient,score,label,status,reason,model,version,scoredAt')
    expect(lines.length - 1).toBe(expected)
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(rows.map((r) => r.patient))

    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'jobs-detail', 'desktop')
    expect(errors).toEqual([])
    await page.close()
  })

  it("shows the problem's detail when a start is refused (a model without a FHIR feature spec), at phone width", { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/jobs', 'phone')
    await page.getByLabel('Model').selectOption('readmission-risk')
    await page.getByLabel('Patients to score').selectOption('system')
    await page.getByRole('button', { name: 'Start job' }).click()
    const alert = page.locator('main [role="alert"]')
    await alert.waitFor({ timeout: 60_000 })
    // The problem's title and its detail (model.invalid_manifest, 400).
    expect(await alert.textContent()).toBe('The model manifest is invalid — model "readmission-risk" has no FHIR feature spec')
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'jobs', 'phone')
    // The browser logs the refused request itself (the 400); nothing else may reach the console.
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([])
    await page.close()
  })
})

describe('the jobs page helpers', () => {
  it('sends the minimum risk typed in percent as a probability, clamped, and leaves empty filters out', () => {
    expect(worklistQuery({ minPercent: '32.5', label: ' high ', status: 'scored' }, 50)).toEqual({
      limit: 50,
      minScore: 0.325,
      label: 'high',
      status: 'scored',
    })
    expect(worklistQuery({ ...NO_FILTERS, minPercent: '150' }, 25).minScore).toBe(1)
    expect(worklistQuery(NO_FILTERS, 500)).toEqual({ limit: 500, minScore: undefined, label: undefined, status: undefined })
  })

  it('says how long is left in hours, minutes or seconds', () => {
    expect([fmtEta(null), fmtEta(0), fmtEta(45), fmtEta(200), fmtEta(3900)]).toEqual(['—', '0 s', '45 s', '3 min 20 s', '1 h 5 min'])
  })
})
