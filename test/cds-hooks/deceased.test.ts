/**
 * Issue 14: CDS Hooks answered readmission cards for patients who had died. A model that does
 * not apply to deceased patients (manifest `appliesToDeceased`, default false) now gives no
 * card and no score for them; the refusal is in the audit trail.
 */
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ModelManifest } from '../../core/index.ts'
import { cdsBench, MODEL, NOW, type CdsBench } from '../../testkit/cds-hooks.ts'

const MODEL_DIR = new URL('../../models/readmission-fhir/', import.meta.url)
let b: CdsBench
/** The cohort's patient who died a month before the bench's clock. */
let deceased: { id: string; birthDate: string; deceasedDateTime: string }

beforeAll(async () => {
  b = await cdsBench()
  deceased = b.dev.cohort!.resources.find((r) => r.resourceType === 'Patient' && r.deceasedDateTime) as unknown as typeof deceased
  expect(Date.parse(deceased.deceasedDateTime)).toBeLessThan(NOW)
  // Every assessment reported (no reportAt), so a card would show if the patient were scored.
  await b.variant('risk-all', { reportAt: 0 })
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', MODEL_DIR), 'utf8')) as ModelManifest & { cdsHooks: Record<string, unknown> }
  await b.nexora.registry.register(
    { ...manifest, name: 'risk-any', appliesToDeceased: true, cdsHooks: { ...manifest.cdsHooks, reportAt: 0 } } as ModelManifest,
    { 'model.json': new Uint8Array(readFileSync(new URL('model.json', MODEL_DIR))) },
  )
})

const cards = async (service: string, body: unknown) => {
  const res = await b.call(`/cds-services/${service}`, body)
  const json = await res.json()
  expect(res.status, JSON.stringify(json)).toBe(200)
  return { json, requestId: res.headers.get('x-request-id')! }
}

describe('a deceased patient in context', () => {
  it.each([MODEL, 'risk-all'])('%s answers exactly {"cards": []}, with no systemActions, and audits the refusal', async (service) => {
    const { json, requestId } = await cards(service, b.hookRequest(deceased.id, await b.prefetch(deceased.id)))
    expect(json).toEqual({ cards: [] })
    const audit = b.events().filter((e) => e.requestId === requestId)
    expect(audit.map((e) => [e.action, e.outcome, e.reason ?? null, e.patientRef])).toEqual([
      ['predict.request', 'success', null, `Patient/${deceased.id}`],
      ['predict.response', 'failure', 'patient.deceased', `Patient/${deceased.id}`],
    ])
  })

  it('is refused for deceasedBoolean true as well (a patient otherwise scored with a card)', async () => {
    const pre = await b.prefetch('pt-0018')
    expect((await cards('risk-all', b.hookRequest('pt-0018', pre))).json.cards).toHaveLength(1)
    const dead = { ...pre, patient: { ...(pre.patient as object), deceasedBoolean: true } }
    expect((await cards('risk-all', b.hookRequest('pt-0018', dead))).json).toEqual({ cards: [] })
  })

  it('gets a card from a model whose manifest sets appliesToDeceased', async () => {
    const { json, requestId } = await cards('risk-any', b.hookRequest(deceased.id, await b.prefetch(deceased.id)))
    expect(json.cards).toHaveLength(1)
    expect(json.cards[0].summary).toMatch(/^30-day readmission risk: \d+%/)
    expect(
      b
        .events()
        .filter((e) => e.requestId === requestId)
        .map((e) => e.outcome),
    ).toEqual(['success', 'success'])
  })
})
