import { beforeAll, describe, expect, it } from 'vitest'
import { DiscoverySchema, instantiate, isAllowedToken, prefetchTemplates, ServiceSchema, tokensOf } from '../../plugins/cds-hooks/index.ts'
import { parseFeatureSpec } from '../../plugins/etl/index.ts'
import { cdsBench, FHIR, MODEL, type CdsBench } from '../../testkit/cds-hooks.ts'

let b: CdsBench
beforeAll(async () => {
  b = await cdsBench()
})

const discover = async (bench = b) => {
  const res = await bench.call('/cds-services', undefined)
  expect(res.status).toBe(200)
  return DiscoverySchema.parse(await res.json()).services
}

describe('GET /cds-services', () => {
  it('lists one service per opted-in model, under each hook its manifest names, with prefetch templates from its feature spec', async () => {
    const services = await discover()
    // Of the demo models only readmission-fhir has a cdsHooks section (readmission-risk, the ONNX and DeepFM models do not).
    expect(services.map((s) => [s.id, s.hook])).toEqual([
      [MODEL, 'patient-view'],
      [MODEL, 'order-sign'],
    ])
    for (const s of services) expect(ServiceSchema.strict().parse(s)).toEqual(s)
    expect(services[0]).toMatchObject({ title: '30-day readmission risk', description: expect.stringContaining('readmission within 30 days') })
    expect(services[0]!.prefetch).toEqual({
      patient: 'Patient/{{context.patientId}}',
      conditions: 'Condition?patient={{context.patientId}}',
      encounters: 'Encounter?patient={{context.patientId}}',
      observations:
        'Observation?patient={{context.patientId}}&code=' +
        'http://loinc.org|4548-4,http://loinc.org|33914-3,http://loinc.org|2160-0,http://loinc.org|2345-7,http://loinc.org|85354-9,http://loinc.org|8867-4',
      medicationRequests:
        'MedicationRequest?patient={{context.patientId}}&code=http://www.nlm.nih.gov/research/umls/rxnorm|11289,' +
        'http://www.nlm.nih.gov/research/umls/rxnorm|1364430,http://www.nlm.nih.gov/research/umls/rxnorm|1114195',
    })
  })

  it('uses only the prefetch tokens CDS Hooks 2.0 allows', async () => {
    for (const s of await discover()) {
      for (const template of Object.values(s.prefetch ?? {})) {
        expect(tokensOf(template).length).toBeGreaterThan(0)
        for (const token of tokensOf(template)) expect(isAllowedToken(token), token).toBe(true)
      }
    }
  })

  it('offers a promoted version that opts in, hides a model whose section is invalid (and says so in the log, by code), and refuses calls to it', async () => {
    await b.variant('risk-broken', { thresholds: { warning: 0.6, critical: 0.3 } })
    const ids = (await discover()).map((s) => s.id)
    expect(ids).not.toContain('risk-broken')
    expect(b.logs.some((l) => l.includes('cds_hooks.service_skipped') && l.includes('model.invalid_manifest'))).toBe(true)
    const call = await b.call('/cds-services/risk-broken', b.hookRequest('pt-0004', await b.prefetch('pt-0004')))
    expect([call.status, (await call.json()).issue[0].expression]).toEqual([400, ['cdsHooks.thresholds']])
    await b.variant('risk-extra', { hooks: ['order-select'] })
    expect((await discover()).filter((s) => s.id === 'risk-extra').map((s) => s.hook)).toEqual(['order-select'])
  })
})

describe('the route table and the API description', () => {
  it('declares the three endpoints and the CDS Hooks schemas in /openapi.json', async () => {
    const doc = await (await b.nexora.app.request('/openapi.json')).json()
    expect(
      Object.keys(doc.paths)
        .filter((p) => p.startsWith('/cds-services'))
        .sort(),
    ).toEqual(['/cds-services', '/cds-services/{id}', '/cds-services/{id}/feedback'])
    expect(doc.components.schemas).toHaveProperty('CdsCard')
    expect(doc.components.schemas).toHaveProperty('CdsHookRequest')
  })
})

describe('prefetch templates from a feature spec', () => {
  it('narrows by code only where every feature of the type selects by exact codes (an ICD-10 prefix or comorbidity index reads all Conditions)', async () => {
    const templates = prefetchTemplates(parseFeatureSpec((await b.nexora.registry.resolve(MODEL)).manifest.featureSpec))
    expect(templates.conditions).not.toContain('code=')
    expect(templates.encounters).not.toContain('code=')
    const narrowed = prefetchTemplates(
      parseFeatureSpec({ name: 'x', features: [{ name: 'hf', resourceType: 'Condition', codes: ['http://snomed.info/sct|84114007'], aggregate: 'exists' }] }),
    )
    expect(narrowed).toEqual({
      patient: 'Patient/{{context.patientId}}',
      conditions: 'Condition?patient={{context.patientId}}&code=http://snomed.info/sct|84114007',
    })
  })

  it("with windowTokens, adds each type's longest look-back as a today() token, read by the date parameter matching the ETL's event time", async () => {
    await b.variant('risk-windowed', { windowTokens: true })
    const [service] = (await discover()).filter((s) => s.id === 'risk-windowed')
    const prefetch = service!.prefetch!
    expect(prefetch.observations).toMatch(/&date=ge\{\{today\(\) - 730 days\}\}$/)
    expect(prefetch.encounters).toBe('Encounter?patient={{context.patientId}}&date=ge{{today() - 365 days}}')
    expect(prefetch.medicationRequests).toMatch(/&authoredon=ge\{\{today\(\) - 180 days\}\}$/)
    // Conditions get none: onset and recorded date differ, and the comorbidity indices look back over all history.
    expect(prefetch.conditions).toBe('Condition?patient={{context.patientId}}')
    for (const template of Object.values(prefetch)) for (const token of tokensOf(template)) expect(isAllowedToken(token, { windowTokens: true })).toBe(true)
    expect(isAllowedToken('today() - 730 days')).toBe(false)
    // Fetching a missing key, the service fills the token in itself, as a client would.
    const before = b.outbound.length
    const res = await b.call(
      '/cds-services/risk-windowed',
      b.hookRequest('pt-0018', await b.prefetch('pt-0018', ['patient', 'conditions', 'medicationRequests', 'encounters']), b.withFhir),
    )
    expect(res.status).toBe(200)
    const fetched = b.outbound.slice(before).filter((o) => o.url.startsWith(`${FHIR}/Observation`))
    expect(decodeURIComponent(fetched[0]!.url)).toContain('&date=ge2024-06-30')
  })
})

describe('prefetch tokens', () => {
  it('allows context fields and the four user identifiers, nothing else', () => {
    for (const ok of ['context.patientId', 'context.encounterId', 'userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId'])
      expect(isAllowedToken(ok), ok).toBe(true)
    for (const bad of ['patientId', 'context', 'context.draftOrders.entry.resource.id', 'Patient.id', 'userId', 'today()', '%patient.id'])
      expect(isAllowedToken(bad), bad).toBe(false)
  })

  it('fills tokens from the hook context, and yields nothing when a value is missing', () => {
    const context = { patientId: 'pt-1', userId: 'PractitionerRole/r-9' }
    expect(instantiate('Patient/{{context.patientId}}', context, 0)).toBe('Patient/pt-1')
    expect(instantiate('PractitionerRole?_id={{userPractitionerRoleId}}', context, 0)).toBe('PractitionerRole?_id=r-9')
    expect(instantiate('Practitioner/{{userPractitionerId}}', context, 0)).toBeUndefined()
    expect(instantiate('Encounter/{{context.encounterId}}', context, 0)).toBeUndefined()
    expect(instantiate('Observation?date=ge{{today() - 90 days}}&date=lt{{today()}}', context, Date.parse('2024-09-13T10:00:00Z'))).toBe(
      'Observation?date=ge2024-06-15&date=lt2024-09-13',
    )
    expect(instantiate('Patient/{{context.patientId}}', { patientId: 'a&b=c' }, 0)).toBe('Patient/a%26b%3Dc')
  })
})
