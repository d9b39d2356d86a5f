import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT, type JWK } from 'jose'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations, openBrowser, screenshot, startSiteServer, WIDTHS } from '../../testkit/site.ts'

let server: Awaited<ReturnType<typeof startSiteServer>>
let browser: Awaited<ReturnType<typeof openBrowser>>
const PATIENTS = Array.from({ length: 30 }, (_, i) => `Patient/e2e-${i + 1}`)
const ROW = { age: 70, sex: 'M', systolic_bp: 130, prior_admissions: 1, length_of_stay: 4, hba1c: 7, egfr: 60, on_anticoagulant: false }

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
const get = async <T>(path: string, token = server.token) =>
  (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<T>

beforeAll(async () => {
  server = await startSiteServer()
  browser = await openBrowser()
  // Predictions through the API with the dev token: a predict.request and a predict.response each.
  for (const patientId of PATIENTS) {
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'readmission-risk', purpose: 'TREAT', rows: [{ patientId, features: ROW }] }),
    })
    expect(res.status).toBe(200)
  }
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** Rows of the events table as { seq, action } (seq and action columns). */
const rows = (page: Page) =>
  page.$$eval('table.audit-events tbody tr', (trs) =>
    trs.map((tr) => ({ seq: Number(tr.children[0]!.textContent), action: tr.children[3]!.textContent, patient: tr.children[5]!.textContent })),
  )
const caption = (page: Page) => page.textContent('table.audit-events caption')
async function openAudit(size: keyof typeof WIDTHS = 'desktop', token?: string) {
  const opened = await browser.open(`${server.url}/#/audit`, size)
  if (token) {
    await opened.page.waitForSelector('.who', { timeout: 30_000 })
    await opened.page.evaluate((t) => sessionStorage.setItem('nexora.session', t), token)
    await opened.page.reload()
  }
  await opened.page.waitForSelector('table.audit-events', { timeout: 30_000 })
  return opened
}
async function applyFilter(page: Page, fields: Record<string, string>) {
  const before = await caption(page)
  for (const [name, value] of Object.entries(fields)) await page.fill(`form.audit-filters [name="${name}"]`, value)
  await page.click('form.audit-filters button[type="submit"]')
  await page.waitForFunction((b) => {
    const c = document.querySelector('table.audit-events caption')?.textContent
    return c && c !== b
  }, before)
}

describe('the audit viewer', () => {
  it('filters by action: only predict.response events, one per prediction', { timeout: 60_000 }, async () => {
    const { page, errors } = await openAudit()
    expect(await page.textContent('main h1')).toBe('Audit trail')
    const all = await rows(page)
    expect(new Set(all.map((r) => r.action)).size).toBeGreaterThan(1)
    await applyFilter(page, { action: 'predict.response' })
    const filtered = await rows(page)
    expect(filtered.map((r) => r.action)).toEqual(PATIENTS.map(() => 'predict.response'))
    expect(filtered.map((r) => r.patient)).toEqual(PATIENTS)
    // A second filter narrows further.
    await applyFilter(page, { patient: 'Patient/e2e-3' })
    expect(await rows(page)).toEqual([expect.objectContaining({ action: 'predict.response', patient: 'Patient/e2e-3' })])
    expect(errors).toEqual([])
    await page.close()
  })

  it('pages through the trail with the keyset cursor, forwards and back', { timeout: 60_000 }, async () => {
    const { page, errors } = await openAudit()
    await page.selectOption('.pager select', '25')
    await page.waitForFunction(() => document.querySelectorAll('table.audit-events tbody tr').length === 25)
    const first = await rows(page)
    expect(first.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect(await page.isDisabled('button:has-text("Previous page")')).toBe(true)
    await page.click('button:has-text("Next page")')
    await page.waitForFunction(() => document.querySelector('table.audit-events caption')?.textContent?.startsWith('Page 2'))
    const second = await rows(page)
    expect(second.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 26))
    await page.click('button:has-text("Previous page")')
    await page.waitForFunction(() => document.querySelector('table.audit-events caption')?.textContent?.startsWith('Page 1'))
    expect((await rows(page)).map((r) => r.seq)).toEqual(first.map((r) => r.seq))
    expect(errors).toEqual([])
    await page.close()
  })

  it('verifies the hash chain and reports OK', { timeout: 60_000 }, async () => {
    const { page, errors } = await openAudit()
    await page.click('button:has-text("Verify chain")')
    await page.waitForSelector('section[aria-labelledby="verify-h"] .state.ok', { timeout: 30_000 })
    expect(await page.textContent('section[aria-labelledby="verify-h"] .state.ok')).toMatch(/^Chain OK: [\d,]+ events verified/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports every matching event as CSV (all pages) and as a FHIR AuditEvent Bundle', { timeout: 60_000 }, async () => {
    const { page, errors } = await openAudit()
    await applyFilter(page, { action: 'predict.response' })
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export CSV")')])
    expect(csv.suggestedFilename()).toMatch(/^audit-events-\d{8}-\d{6}\.csv$/)
    const text = readFileSync(await csv.path(), 'utf8')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('seq,ts,actor,action,outcome,patientRef,model,version,reason,requestId,ip,context,prevHash,hash')
    const expected = (await get<{ events: { seq: number; requestId: string }[] }>('/audit/events?action=predict.response&limit=1000')).events
    expect(lines.length - 1).toBe(expected.length)
    const cells = lines.slice(1).map((l) => l.split(','))
    expect(cells.map((c) => Number(c[0]))).toEqual(expected.map((e) => e.seq))
    expect(cells.map((c) => [c[2], c[3], c[4], c[5], c[6]])).toEqual(PATIENTS.map((p) => ['dev-user', 'predict.response', 'success', p, 'readmission-risk']))
    expect(cells.map((c) => c[9])).toEqual(expected.map((e) => e.requestId))
    expect(lines[1]).toContain('"{""via"":""http""') // the context as quoted JSON
    await page.waitForSelector('.audit-exports .state.ok')
    expect(await page.textContent('.audit-exports .state.ok')).toBe(`Exported ${expected.length} events as CSV (1 page fetched).`)

    const [fhir] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export FHIR Bundle")')])
    expect(fhir.suggestedFilename()).toMatch(/\.fhir\.json$/)
    const bundle = JSON.parse(readFileSync(await fhir.path(), 'utf8')) as {
      resourceType: string
      total: number
      entry: { resource: { resourceType: string; subtype: { code: string }[]; entity: { what: { reference?: string } }[] } }[]
    }
    expect([bundle.resourceType, bundle.total, bundle.entry.length]).toEqual(['Bundle', expected.length, expected.length])
    expect(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent' && e.resource.subtype[0]!.code === 'predict.response')).toBe(true)
    expect(bundle.entry.map((e) => e.resource.entity[0]!.what.reference)).toEqual(PATIENTS)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports a trail longer than one page (1000 events): every page fetched, no gaps', { timeout: 120_000 }, async () => {
    // 520 more predictions: over 1000 events in all, so the export needs a second page.
    for (let i = 0; i < 520; i++) {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${server.url}/predict`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: `Patient/bulk-${i}`, features: ROW }] }),
        })
        if (res.status === 429 && attempt < 20) {
          await new Promise((r) => setTimeout(r, 250))
          continue
        }
        expect(res.status).toBe(200)
        break
      }
    }
    const { page, errors } = await openAudit()
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Export CSV")')])
    const seqs = readFileSync(await csv.path(), 'utf8')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((l) => Number(l.split(',')[0]))
    expect(seqs.length).toBeGreaterThan(1000)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
    await page.waitForSelector('.audit-exports .state.ok')
    expect(await page.textContent('.audit-exports .state.ok')).toBe(`Exported ${seqs.length.toLocaleString('en-US')} events as CSV (2 pages fetched).`)
    expect(errors).toEqual([])
    await page.close()
  })

  it('answers "who looked at this patient?", grouped by user with first and last access', { timeout: 60_000 }, async () => {
    const { page, errors } = await openAudit()
    await page.fill('form[aria-label="Patient access report"] input[name="patient"]', 'Patient/e2e-7')
    await page.click('button:has-text("Show access report")')
    await page.waitForSelector('table.access-report', { timeout: 30_000 })
    expect(await page.textContent('table.access-report caption')).toBe('1 user accessed Patient/e2e-7')
    const row = await page.$$eval('table.access-report tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))
    expect(row).toHaveLength(1)
    expect(row[0]![0]).toBe('dev-user')
    expect(row[0]![1]).toBe('2') // predict.request and predict.response
    expect(row[0]![4]).toBe('predict.request, predict.response')
    await page.fill('form[aria-label="Patient access report"] input[name="patient"]', 'Patient/nobody')
    await page.click('button:has-text("Show access report")')
    await page.waitForSelector('section[aria-labelledby="access-h"] .state.empty')
    expect(errors).toEqual([])
    await page.close()
  })

  it('works for an auditor (nexora/audit.read only) at phone and desktop widths: no console errors, no axe violations', { timeout: 120_000 }, async () => {
    const auditor = await tokenFor('auditor-1', 'nexora/audit.read')
    for (const size of Object.keys(WIDTHS) as (keyof typeof WIDTHS)[]) {
      const { page, errors } = await openAudit(size, auditor)
      expect(await page.textContent('.who')).toBe('auditor-1')
      await page.waitForFunction(() => !document.querySelector('p.state[role="status"]'), null, { timeout: 30_000 })
      expect(await axeViolations(page), size).toEqual([])
      await page.fill('form[aria-label="Patient access report"] input[name="patient"]', 'Patient/e2e-1')
      await page.click('button:has-text("Show access report")')
      await page.waitForSelector('table.access-report')
      await page.click('button:has-text("Verify chain")')
      await page.waitForSelector('section[aria-labelledby="verify-h"] .state.ok')
      expect(await axeViolations(page), size).toEqual([])
      await screenshot(page, 'audit', size)
      expect(errors, size).toEqual([])
      await page.close()
    }
    // The auditor's own reads are in the trail too.
    const seen = await get<{ events: { actor: string }[] }>('/audit/events?actor=auditor-1&limit=5')
    expect(seen.events.length).toBeGreaterThan(0)
  })
})
