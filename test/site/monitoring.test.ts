import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateCohort } from '../../models/readmission-risk/cohort.ts'
import { axeViolations, openBrowser, screenshot, startSiteServer, type WIDTHS } from '../../testkit/site.ts'

let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
const config = mkdtempSync(join(tmpdir(), 'nexora-monitoring-ui-'))
/** The server's own performance report for the model, to hold the page's numbers against. */
let served: { n: number; auroc: { estimate: number } }

const api = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...init.headers },
  })

beforeAll(async () => {
  // A drift rule that fires on any shift, so the PSI-over-time chart has an alert marker to show.
  writeFileSync(
    join(config, 'monitoring.json'),
    JSON.stringify({
      alerts: [
        { id: 'psi-watch', quantity: 'psi', op: 'above', threshold: 0.0001 },
        { id: 'auroc-low', quantity: 'auroc', op: 'below', threshold: 0.5 },
      ],
    }),
  )
  server = await startSiteServer({ NEXORA_MONITORING_CONFIG: join(config, 'monitoring.json') })
  browser = await openBrowser()
  // 300 held-out patients of the demo cohort, scored by the server, then their outcomes by prediction id.
  const rows = generateCohort(4000).slice(3200, 3500)
  const predict = await api('/predict', {
    method: 'POST',
    body: { model: 'readmission-risk', rows: rows.map(({ readmitted_30d: _y, ...features }, i) => ({ patientRef: `Patient/m${i}`, features })) },
  })
  expect(predict.status).toBe(200)
  // Prediction ids are `<the server's request id>#<row>`.
  const { requestId } = (await predict.json()) as { requestId: string }
  const outcomes = await api('/monitoring/outcomes', {
    method: 'POST',
    body: { outcomes: rows.map((r, i) => ({ model: 'readmission-risk', predictionId: `${requestId}#${i}`, value: r.readmitted_30d })) },
  })
  expect(await outcomes.json()).toEqual({ recorded: 300 })
  // The log is written off the request path: wait until all 300 rows are there (a loaded machine may take a while).
  for (let tries = 0; tries < 100; tries++) {
    served = (await (await api('/monitoring/performance?model=readmission-risk&bootstrap=0')).json()) as typeof served
    if (served.n === 300) break
    await new Promise((r) => setTimeout(r, 100))
  }
  expect(served.n).toBe(300)
  expect((await api('/monitoring/drift?model=readmission-risk')).status).toBe(200) // evaluates the drift rule
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
  rmSync(config, { recursive: true, force: true })
})

/** Open a page and wait for its heading. */
async function open(path: string, size: keyof typeof WIDTHS) {
  const opened = await browser.open(`${server.url}${path}`, size)
  await opened.page.waitForSelector('main h1', { timeout: 30_000 })
  return opened
}

/** Non-transparent pixels on each matching canvas (uPlot draws on a canvas: this is what it drew). */
const drawnPixels = (page: Awaited<ReturnType<typeof open>>['page'], selector: string) =>
  page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++
      return n
    }),
  )

const settled = (page: Awaited<ReturnType<typeof open>>['page']) =>
  page.waitForFunction(() => !document.querySelector('p[role="status"]'), null, { timeout: 60_000 })

describe('the monitoring dashboard', () => {
  it('renders ROC and calibration plots with CIs, fairness by group, drift per feature and over time with alert markers, and alert status', {
    timeout: 180_000,
  }, async () => {
    const { page, errors } = await open('/#/monitoring/readmission-risk', 'desktop')
    await settled(page)
    const roc = await page.getAttribute('.chart-plot[role="img"][aria-label^="ROC curve"]', 'aria-label')
    expect(roc).toContain(`AUROC ${served.auroc.estimate.toFixed(3)} (95 % CI`)
    expect(await page.getAttribute('.chart-plot[role="img"][aria-label^="Calibration curve"]', 'aria-label')).toMatch(/Wilson intervals; slope [\d.-]+/)
    // Every chart has a data-table fallback.
    expect(await page.locator('figure.chart').count()).toBe(await page.locator('figure.chart details.chart-data table').count())
    expect(await page.locator('figure.chart').count()).toBe(3)
    // Each chart is a uPlot canvas that has drawn something (axes, grid, lines), not an empty box.
    await page.waitForFunction(() => [...document.querySelectorAll('figure.chart .chart-plot canvas')].length === 3)
    const drawn = await drawnPixels(page, 'figure.chart .chart-plot canvas')
    expect(drawn).toHaveLength(3)
    for (const n of drawn) expect(n).toBeGreaterThan(1000)
    expect(await page.textContent('.mon-stats')).toContain('300')

    const groups = await page.$$eval('table.mon-fairness tbody th[scope="row"]', (ths) => ths.map((t) => t.textContent))
    expect(groups).toEqual(['sex=F', 'sex=M', 'Overall'])
    await page.getByLabel('Attribute').selectOption('on_anticoagulant')
    await page.waitForFunction(() => document.querySelector('table.mon-fairness caption')?.textContent?.includes('on_anticoagulant'))
    expect(await page.$$eval('table.mon-fairness tbody th[scope="row"]', (ths) => ths.map((t) => t.textContent))).toEqual([
      'on_anticoagulant=false',
      'on_anticoagulant=true',
      'Overall',
    ])

    const features = await page.$$eval('table.mon-drift tbody th', (ths) => ths.map((t) => t.textContent))
    expect(features).toEqual(expect.arrayContaining(['score', 'age', 'sex', 'egfr']))
    expect(await page.textContent('table.mon-drift thead')).toContain('KS statistic')
    const overTime = await page.getAttribute('.chart-plot[role="img"][aria-label^="PSI per feature"]', 'aria-label')
    expect(overTime).toMatch(/4 consecutive slices of the window, with alert markers: psi-watch \(\w+\).* firing since slice 4/)
    expect(await page.textContent('#mon-alerts')).toMatch(/\d+ firing/)
    expect(await axeViolations(page)).toEqual([])
    await screenshot(page, 'monitoring', 'desktop')
    expect(errors).toEqual([])
    await page.close()
  })

  it('submits the adverse-event form and lists the new report', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/monitoring/readmission-risk', 'desktop')
    await settled(page)
    await page.getByLabel('Type').fill('missed-deterioration')
    await page.getByLabel('Severity').selectOption('severe')
    await page.getByLabel('What happened').fill('Low score on a patient readmitted within a week.')
    await page.getByRole('button', { name: 'Report adverse event' }).click()
    // Either outcome ends the wait, so a refusal fails here with the server's words, not a timeout.
    const outcome = page.locator('section[aria-labelledby="mon-ae"]').locator('.ok-state, [role="alert"]')
    await outcome.first().waitFor({ timeout: 60_000 })
    expect({ text: await outcome.first().textContent(), errors }).toEqual({ text: 'Reported: missed-deterioration (severe), status reported.', errors: [] })
    await page.locator('table.mon-ae-list', { hasText: 'missed-deterioration' }).waitFor()
    const { events } = (await (await api('/adverse-events?model=readmission-risk')).json()) as {
      events: { type: string; severity: string; model: string; version: string; reporter: string }[]
    }
    expect(events[0]).toMatchObject({ type: 'missed-deterioration', severity: 'severe', model: 'readmission-risk', version: '1.0.0' })
    expect(errors).toEqual([])
    await page.close()
  })

  it('is useful with no outcomes yet: says how to post them and still shows drift and adverse events (phone width)', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('/#/monitoring/readmission-onnx', 'phone')
    await settled(page)
    const text = await page.textContent('main')
    expect(text).toContain('No outcomes yet.')
    expect(text).toContain('POST /monitoring/outcomes')
    expect(text).toContain('Drift')
    expect(text).toContain('Report an adverse event')
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1)).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
    const full = await open('/#/monitoring/readmission-risk', 'phone')
    await settled(full.page)
    expect(await full.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1)).toBe(true)
    expect(await axeViolations(full.page)).toEqual([])
    await screenshot(full.page, 'monitoring', 'phone')
    expect(full.errors).toEqual([])
    await full.page.close()
  })
})
