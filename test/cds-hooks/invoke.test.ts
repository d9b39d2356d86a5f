import { beforeAll, describe, expect, it } from 'vitest'
import { CardSchema, CdsResponseSchema, instantiate } from '../../plugins/cds-hooks/index.ts'
import { BASE, cdsBench, FHIR, FHIR_TOKEN, MODEL, type CdsBench } from '../../testkit/cds-hooks.ts'

let b: CdsBench
beforeAll(async () => {
  b = await cdsBench()
})

const SERVICE = `/cds-services/${MODEL}`
const ok = async (res: Response) => {
  const body = await res.json()
  expect(res.status, JSON.stringify(body)).toBe(200)
  expect(CdsResponseSchema.safeParse(body).success).toBe(true)
  for (const card of body.cards) expect(CardSchema.parse(card)).toEqual(card)
  return body as { cards: Record<string, any>[] }
}
const fhirCalls = () => b.outbound.filter((o) => o.url.startsWith(FHIR))
const eventsOf = (requestId: string) => b.events().filter((e) => e.requestId === requestId)

describe('POST /cds-services/{id} with full prefetch', () => {
  it('scores the patient from the prefetched data alone, through the one pipeline, as the model scores the whole record', async () => {
    const before = fhirCalls().length
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', await b.prefetch('pt-0018')))
    const { cards } = await ok(res)
    expect(fhirCalls().length).toBe(before)
    expect(cards).toHaveLength(1)
    const card = cards[0]!
    const direct = await b.directScore('pt-0018')
    expect(card.summary).toBe(`30-day readmission risk: ${Math.round(direct.score * 100)}% (high)`)
    // The card's uuid is the pipeline's request id: the audit trail holds both events under it.
    expect(res.headers.get('x-request-id')).toBe(card.uuid)
    const audit = eventsOf(card.uuid)
    expect(audit.map((e) => [e.action, e.outcome, e.patientRef, e.model, e.version])).toEqual([
      ['predict.request', 'success', 'Patient/pt-0018', MODEL, '1.0.0'],
      ['predict.response', 'success', 'Patient/pt-0018', MODEL, '1.0.0'],
    ])
    expect(audit[1]!.context).toMatchObject({
      via: 'cds-hooks',
      source: 'cds-hooks',
      hook: 'patient-view',
      purpose: 'treatment',
      prefetch: expect.arrayContaining(['patient', 'conditions', 'observations', 'encounters', 'medicationRequests']),
      fetched: [],
      none: [],
    })
    // Keys, counts and codes only: no resource content reaches the audit trail.
    const born = b.dev.cohort!.resources.find((r) => r.resourceType === 'Patient' && r.id === 'pt-0018')!.birthDate as string
    expect(JSON.stringify(audit)).not.toContain(born)
  })

  it(
    'builds the card from the score: summary under 140 characters, factors and model version in the Markdown detail, model card source, FHIR suggestions, ' +
      'a SMART link and a link to the source attributes',
    async () => {
      const {
        cards: [card],
      } = await ok(await b.call(SERVICE, b.hookRequest('pt-0018', await b.prefetch('pt-0018'))))
      expect(card!.summary.length).toBeLessThan(140)
      expect(card!.detail).toMatch(/^\*\*30-day readmission risk: \d+%\*\*, at or above the critical threshold \(40%\)\./)
      expect(card!.detail).toContain('| Factor | Value | Effect on risk |')
      expect(card!.detail).toContain('| Heart failure (ICD-10-CM I50, or SNOMED CT 84114007) | 1 | ↑ raises')
      expect(card!.detail).toContain('Model: **readmission-fhir 1.0.0**')
      expect(card!.source).toMatchObject({ label: 'Nexora: 30-day readmission risk', url: `${BASE}/models/readmission-fhir/versions/1.0.0` })
      expect(card!.selectionBehavior).toBe('any')
      const [record, followUp] = card!.suggestions
      expect(record.actions[0]).toMatchObject({
        type: 'create',
        resource: { resourceType: 'RiskAssessment', subject: { reference: 'Patient/pt-0018' }, method: { coding: [{ code: 'readmission-fhir@1.0.0' }] } },
      })
      expect(record.actions[0].resource.prediction[0].probabilityDecimal).toBeCloseTo((await b.directScore('pt-0018')).score, 12)
      // The resource says what the card says.
      expect(record.actions[0].resource.prediction[0].qualitativeRisk).toEqual({ text: 'high' })
      expect(followUp).toMatchObject({
        uuid: `${card!.uuid}.follow-up`,
        isRecommended: true,
        actions: [
          { type: 'create', resource: { resourceType: 'ServiceRequest', status: 'draft', intent: 'proposal', subject: { reference: 'Patient/pt-0018' } } },
        ],
      })
      expect(card!.links).toEqual([
        {
          label: 'Open the assessment in Nexora',
          url: `${BASE}/launch`,
          type: 'smart',
          appContext: JSON.stringify({ card: card!.uuid, model: MODEL, version: '1.0.0' }),
        },
        {
          label: 'Source attributes of this model (ONC HTI-1)',
          url: `${BASE}/models/${MODEL}/source-attributes?version=1.0.0`,
          type: 'absolute',
        },
      ])
      // The link answers: this very version's attributes, all 31 present.
      const link = new URL(card!.links[1].url)
      const attributes = await (await b.nexora.app.request(`${link.pathname}${link.search}`)).json()
      expect(attributes).toMatchObject({ model: { name: MODEL, version: '1.0.0' }, complete: true, missing: [] })
      expect(card!.overrideReasons.map((r: { code: string }) => r.code)).toContain('need-more-info')
    },
  )
})

describe('the data a call lacks', () => {
  it('fetches missing keys from fhirServer with the fhirAuthorization bearer token, and scores the same', async () => {
    const before = fhirCalls().length
    const {
      cards: [card],
    } = await ok(await b.call(SERVICE, b.hookRequest('pt-0004', await b.prefetch('pt-0004', ['patient']), b.withFhir)))
    const calls = fhirCalls().slice(before)
    expect(new Set(calls.map((c) => new URL(c.url).pathname))).toEqual(new Set(['/Condition', '/Observation', '/Encounter', '/MedicationRequest']))
    expect(calls.every((c) => c.authorization === `Bearer ${FHIR_TOKEN}`)).toBe(true)
    expect(card!.summary).toBe(`30-day readmission risk: ${Math.round((await b.directScore('pt-0004')).score * 100)}% (elevated)`)
    expect(eventsOf(card!.uuid)[1]!.context).toMatchObject({
      prefetch: ['patient'],
      fetched: expect.arrayContaining(['conditions', 'observations', 'encounters', 'medicationRequests']),
    })
  })

  it('answers 412 with an OperationOutcome naming the keys when data is missing and there is no FHIR server to read it from', async () => {
    const pre = await b.prefetch('pt-0004')
    delete pre.conditions
    delete pre.encounters
    const res = await b.call(SERVICE, b.hookRequest('pt-0004', pre))
    expect(res.status).toBe(412)
    const outcome = await res.json()
    expect(outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'processing', details: { coding: [{ code: 'cds.prefetch_missing' }] } }],
    })
    expect(outcome.issue[0].diagnostics).toContain('conditions (no fhirServer with fhirAuthorization)')
    expect(outcome.issue[0].diagnostics).toContain('encounters (no fhirServer with fhirAuthorization)')
    // Recorded like any failed prediction: the request, then the response with the reason.
    const failed = b.events().filter((e) => e.action === 'predict.response' && e.reason === 'cds.prefetch_missing')
    expect(failed.at(-1)).toMatchObject({ outcome: 'failure', patientRef: 'Patient/pt-0004', model: MODEL })
  })

  it('answers 412 when the FHIR server refuses the token, and when fhirServer is not https', async () => {
    const refused = await b.call(
      SERVICE,
      b.hookRequest('pt-0004', await b.prefetch('pt-0004', ['patient']), {
        ...b.withFhir,
        fhirAuthorization: { ...b.withFhir.fhirAuthorization, access_token: 'revoked' },
      }),
    )
    expect(refused.status).toBe(412)
    expect((await refused.json()).issue[0].diagnostics).toContain('conditions (fhir.unauthorized)')
    const plain = await b.call(
      SERVICE,
      b.hookRequest('pt-0004', await b.prefetch('pt-0004', ['patient']), { ...b.withFhir, fhirServer: 'http://fhir.ehr.test' }),
    )
    expect(plain.status).toBe(412)
    expect((await plain.json()).issue[0].diagnostics).toContain('(fhirServer is not https)')
  })

  it('takes a null prefetch key as "no data": nothing is fetched for it and the patient is scored without it', async () => {
    const pre = await b.prefetch('pt-0018')
    const before = fhirCalls().length
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', { ...pre, conditions: null }, b.withFhir))
    const { cards } = await ok(res)
    expect(fhirCalls().length).toBe(before)
    const withoutConditions = await b.directScore('pt-0018', (r) => r.resourceType === 'Condition')
    expect(withoutConditions.features).toMatchObject({ charlson: 0, heart_failure: 0, copd: 0 })
    const expected = Math.round(withoutConditions.score * 100)
    if (withoutConditions.score < 0.1) expect(cards).toEqual([])
    else expect(cards[0]!.summary).toContain(`: ${expected}%`)
    expect(eventsOf(res.headers.get('x-request-id')!)[1]!.context).toMatchObject({ none: ['conditions'] })
  })

  it('refuses a null Patient: there is no patient to score', async () => {
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', { ...(await b.prefetch('pt-0018')), patient: null }))
    expect(res.status).toBe(412)
    expect((await res.json()).issue[0].diagnostics).toContain('patient (null')
  })
})

describe('paginated prefetch Bundles', () => {
  /** The first page of what a template finds, as an EHR that paginates its prefetch would send it. */
  const firstPage = async (key: string, patientId: string, count: number) => {
    const url = instantiate(b.templates[key]!, { patientId }, b.clock.now())
    const res = await b.dev.app.fetch(new Request(`${FHIR}/${url}&_count=${count}`, { headers: { authorization: `Bearer ${FHIR_TOKEN}` } }))
    return res.json() as Promise<{ link: { relation: string; url: string }[]; entry: unknown[] }>
  }

  it('follows the next links of a prefetched Bundle with the bearer token and scores the whole result', async () => {
    const pre = await b.prefetch('pt-0018')
    const page = await firstPage('observations', 'pt-0018', 7)
    expect(page.link.some((l) => l.relation === 'next')).toBe(true)
    expect(page.entry).toHaveLength(7)
    const before = fhirCalls().length
    const {
      cards: [card],
    } = await ok(await b.call(SERVICE, b.hookRequest('pt-0018', { ...pre, observations: page }, b.withFhir)))
    const pages = fhirCalls().slice(before)
    expect(pages.length).toBeGreaterThan(1)
    expect(pages.every((c) => new URL(c.url).pathname === '/Observation' && c.authorization === `Bearer ${FHIR_TOKEN}`)).toBe(true)
    expect(card!.summary).toBe(`30-day readmission risk: ${Math.round((await b.directScore('pt-0018')).score * 100)}% (high)`)
  })

  it('never sends the token to a next link off fhirServer, and answers 412 instead', async () => {
    const pre = await b.prefetch('pt-0018')
    const page = await firstPage('encounters', 'pt-0018', 2)
    page.link = [{ relation: 'next', url: 'https://attacker.test/Encounter?page=2' }]
    const before = b.outbound.length
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', { ...pre, encounters: page }, b.withFhir))
    expect(res.status).toBe(412)
    expect((await res.json()).issue[0].diagnostics).toContain('encounters (next page: fhir.untrusted_link)')
    expect(b.outbound.slice(before).some((o) => o.url.includes('attacker'))).toBe(false)
  })

  it('answers 412 for a paginated Bundle when there is no token to read the next pages with', async () => {
    const pre = await b.prefetch('pt-0018')
    const res = await b.call(SERVICE, b.hookRequest('pt-0018', { ...pre, encounters: await firstPage('encounters', 'pt-0018', 2) }))
    expect(res.status).toBe(412)
    expect((await res.json()).issue[0].diagnostics).toContain('encounters (next page: no fhirServer with fhirAuthorization)')
  })
})

describe('thresholds and the reporting threshold', () => {
  it('sets the indicator from the manifest thresholds', async () => {
    const score = (await b.directScore('pt-0004')).score
    await b.variant('risk-info', { thresholds: { warning: score + 0.05, critical: score + 0.1 }, reportAt: 0 })
    await b.variant('risk-warning', { thresholds: { warning: score - 0.05, critical: score + 0.05 }, reportAt: 0 })
    await b.variant('risk-critical', { thresholds: { warning: score - 0.1, critical: score - 0.05 }, reportAt: 0 })
    const pre = await b.prefetch('pt-0004')
    const indicator = async (id: string) => (await ok(await b.call(`/cds-services/${id}`, b.hookRequest('pt-0004', pre)))).cards[0]
    const [info, warning, critical] = [await indicator('risk-info'), await indicator('risk-warning'), await indicator('risk-critical')]
    expect([info!.indicator, warning!.indicator, critical!.indicator]).toEqual(['info', 'warning', 'critical'])
    expect([info!.summary, warning!.summary, critical!.summary].map((s: string) => s.split('(')[1])).toEqual(['low)', 'elevated)', 'high)'])
    // A follow-up is proposed from warning up; recording the assessment is always offered.
    expect(info!.suggestions.map((s: { uuid: string }) => s.uuid.split('.')[1])).toEqual(['risk-assessment'])
    expect(warning!.suggestions.map((s: { uuid: string }) => s.uuid.split('.')[1])).toEqual(['risk-assessment', 'follow-up'])
    // Only a critical card recommends the follow-up.
    expect([warning!.suggestions[1].isRecommended, critical!.suggestions[1].isRecommended]).toEqual([undefined, true])
  })

  it('answers {"cards": []} below reportAt, and still audits the assessment', async () => {
    const score = (await b.directScore('pt-0004')).score
    await b.variant('risk-quiet', { reportAt: score + 0.01 })
    const res = await b.call('/cds-services/risk-quiet', b.hookRequest('pt-0004', await b.prefetch('pt-0004')))
    expect(await ok(res)).toEqual({ cards: [] })
    expect(eventsOf(res.headers.get('x-request-id')!).map((e) => [e.action, e.outcome])).toEqual([
      ['predict.request', 'success'],
      ['predict.response', 'success'],
    ])
    // The demo manifest's own reportAt (10 %) keeps a low-risk patient's chart quiet.
    expect((await b.directScore('pt-0001')).score).toBeLessThan(0.1)
    expect(await ok(await b.call(SERVICE, b.hookRequest('pt-0001', await b.prefetch('pt-0001'))))).toEqual({ cards: [] })
  })
})

describe('bad calls', () => {
  it('answers 404 for an unknown service or a model that has not opted in, 400 for a hook the service does not answer or a bad context', async () => {
    const pre = await b.prefetch('pt-0004')
    expect((await b.call('/cds-services/nope', b.hookRequest('pt-0004', pre))).status).toBe(404)
    expect((await b.call('/cds-services/readmission-risk', b.hookRequest('pt-0004', pre))).status).toBe(404)
    const wrongHook = await b.call(SERVICE, {
      ...b.hookRequest('pt-0004', pre),
      hook: 'order-select',
      context: { userId: 'Practitioner/1', patientId: 'pt-0004', selections: ['MedicationRequest/1'], draftOrders: { resourceType: 'Bundle' } },
    })
    expect(wrongHook.status).toBe(400)
    expect((await wrongHook.json()).issue[0].expression).toEqual(['hook'])
    const noPatient = await b.call(SERVICE, { hook: 'patient-view', hookInstance: crypto.randomUUID(), context: { userId: 'Practitioner/1' } })
    expect(noPatient.status).toBe(400)
    expect((await noPatient.json()).issue[0].expression).toContain('context.patientId')
    const foreign = await b.call(SERVICE, b.hookRequest('pt-0004', { ...pre, patient: { resourceType: 'Patient', id: 'pt-0005' } }))
    expect(foreign.status).toBe(400)
  })

  it('accepts order-sign, which the demo model opts into', async () => {
    const { cards } = await ok(
      await b.call(SERVICE, {
        ...b.hookRequest('pt-0018', await b.prefetch('pt-0018')),
        hook: 'order-sign',
        context: { userId: 'PractitionerRole/1', patientId: 'pt-0018', draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [] } },
      }),
    )
    expect(cards[0]!.indicator).toBe('critical')
  })
})
