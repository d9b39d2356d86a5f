import { beforeAll, describe, expect, it } from 'vitest'
import { toFhirAuditEvent } from '../../core/audit/fhir-audit-event.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
})
const secured = () => toyNexora({}, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE })])
const as = async (sub: string, scope: string) => ({ authorization: `Bearer ${await sign(key, { sub, scope })}` })

async function traffic() {
  const ctx = await secured()
  const { nexora } = ctx
  const dr = await as('dr-a', 'nexora/predict')
  for (const p of ['Patient/1', 'Patient/2', 'Patient/1'])
    await nexora.app.request('/predict', post('', { model: 'toy', rows: [{ patientId: p, features: { age: 60 } }] }, dr))
  await nexora.app.request(
    '/predict',
    post(
      '',
      {
        model: 'toy',
        rows: [
          { patientId: 'Patient/3', features: { age: 60 } },
          { patientId: 'Patient/4', features: { age: 61 } },
        ],
      },
      await as('dr-b', 'nexora/predict'),
    ),
  )
  await nexora.app.request('/predict', post('', { model: 'toy', rows: [{ patientId: 'Patient/2', features: {} }] }, dr))
  await nexora.app.request('/predict', post('', { model: 'toy', rows: [] }, await as('intruder', 'user/Patient.rs')))
  await nexora.app.request('/predict', post('', { model: 'toy', rows: [] }))
  return { ...ctx, auditor: await as('auditor-1', 'nexora/audit.read') }
}

describe('audit API', () => {
  it('logs through the seed calls and queries by window, user, patient, action and outcome with paging', async () => {
    const { nexora } = await secured()
    await nexora.audit.logPredictionRequest({ userId: 'u1', patientId: 'Patient/9', model: 'toy', version: '1.0.0' })
    await nexora.audit.logDataAccess({ userId: 'u2', patientId: 'Patient/9', action: 'chart.view' })
    await nexora.audit.logDataAccess({ userId: 'u2', patientId: 'Patient/8', action: 'chart.view', outcome: 'denied', reason: 'consent' })
    const all = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')
    expect(all.events.map((e) => [e.actor, e.action, e.patientRef])).toEqual([
      ['u1', 'predict.request', 'Patient/9'],
      ['u2', 'chart.view', 'Patient/9'],
      ['u2', 'chart.view', 'Patient/8'],
    ])
    expect((await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { actor: 'u2', outcome: 'denied' })).events).toHaveLength(1)
    expect((await nexora.audit.queryLogs('2100-01-01T00:00:00Z', '2101-01-01T00:00:00Z')).events).toHaveLength(0)
    const page = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', {}, { limit: 2 })
    expect(page.events).toHaveLength(2)
    expect(
      (await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', {}, { limit: 2, afterSeq: page.nextAfterSeq })).events.map((e) => e.seq),
    ).toEqual([3])
  })

  it('GET /audit/events filters and pages, for auditors only, and the read itself is audited', async () => {
    const { nexora, auditor, audit } = await traffic()
    const res = await nexora.app.request('/audit/events?patient=Patient/1&action=predict.response', { headers: auditor })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.events.map((e: { actor: string; outcome: string }) => [e.actor, e.outcome])).toEqual([
      ['dr-a', 'success'],
      ['dr-a', 'success'],
    ])
    const paged = await (await nexora.app.request('/audit/events?limit=3', { headers: auditor })).json()
    expect(paged.events).toHaveLength(3)
    expect(paged.nextAfter).toBe(paged.events[2].seq)
    expect((await nexora.app.request('/audit/events', { headers: await as('dr-a', 'nexora/predict') })).status).toBe(403)
    expect(audit.events.filter((e) => e.action === 'access' && e.actor === 'auditor-1').map((e) => e.context.route)).toEqual([
      'GET /audit/events',
      'GET /audit/events',
    ])
    expect((await nexora.app.request('/audit/events?limit=5000', { headers: auditor })).status).toBe(400)
  })

  it('reports counts by user, patient, model and action, denials, and first/last access per patient', async () => {
    const { nexora, auditor } = await traffic()
    const report = await (await nexora.app.request('/audit/report', { headers: auditor })).json()
    expect(report.byUser).toMatchObject({ 'dr-a': 8, 'dr-b': 2, intruder: 1, unauthenticated: 1 })
    expect(report.byPatient).toMatchObject({ 'Patient/1': 4, 'Patient/2': 4, 'Patient/3': 2, 'Patient/4': 2 })
    expect(report.byAction).toMatchObject({ 'predict.request': 5, 'predict.response': 5, 'auth.denied': 1, 'auth.invalid_token': 1 })
    expect(report.byOutcome).toEqual({ success: 9, failure: 1, denied: 2 })
    expect(report.denied).toEqual({ total: 2, byReason: { scope: 1, 'token.missing': 1 }, byUser: { intruder: 1, unauthenticated: 1 } })
    expect(report.patients['Patient/2']).toMatchObject({ events: 4, users: ['dr-a'] })
    expect(report.patients['Patient/1'].first <= report.patients['Patient/1'].last).toBe(true)
  })

  it('exports FHIR R4 AuditEvents with DICOM types, agent, patient entity and model detail', async () => {
    const { nexora, auditor } = await traffic()
    const res = await nexora.app.request('/audit/events?format=fhir&limit=50', { headers: auditor })
    expect(res.headers.get('content-type')).toBe('application/fhir+json')
    const bundle = await res.json()
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' })
    const predict = bundle.entry
      .map((e: { resource: { subtype: { code: string }[] } }) => e.resource)
      .find((r: { subtype: { code: string }[] }) => r.subtype[0]?.code === 'predict.response')
    expect(predict).toMatchObject({
      resourceType: 'AuditEvent',
      action: 'E',
      outcome: '0',
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110' },
      agent: [{ who: { identifier: { value: 'dr-a' } }, requestor: true }],
      entity: [
        {
          what: { reference: 'Patient/1' },
          detail: expect.arrayContaining([
            { type: 'model', valueString: 'toy' },
            { type: 'version', valueString: '1.0.0' },
          ]),
        },
      ],
    })
    const outcomes = bundle.entry.map((e: { resource: { outcome: string } }) => e.resource.outcome)
    expect(new Set(outcomes)).toEqual(new Set(['0', '4']))
    const batch = bundle.entry.find((e: { resource: { entity: unknown[] } }) => e.resource.entity.length === 2)
    expect(batch.resource.entity.map((x: { what: { reference: string } }) => x.what.reference)).toEqual(['Patient/3', 'Patient/4'])
  })

  it('maps outcomes to 0, 4, 8 and 12', () => {
    const base = { seq: 1, ts: 't', actor: 'a', action: 'predict.response', prevHash: '0', hash: '1', context: {} }
    expect(toFhirAuditEvent({ ...base, outcome: 'success' }).outcome).toBe('0')
    expect(toFhirAuditEvent({ ...base, outcome: 'denied', reason: 'scope' }).outcome).toBe('4')
    expect(toFhirAuditEvent({ ...base, outcome: 'failure', reason: 'features.missing' }).outcome).toBe('4')
    expect(toFhirAuditEvent({ ...base, outcome: 'failure', reason: 'model.load_failed' }).outcome).toBe('8')
    expect(toFhirAuditEvent({ ...base, outcome: 'failure', reason: 'internal' }).outcome).toBe('12')
  })

  it('POST /audit/verify reports ok, and the first bad seq after tampering; checkpoints catch truncation', async () => {
    const { nexora, auditor, audit } = await traffic()
    expect(await (await nexora.app.request('/audit/verify', { method: 'POST', headers: auditor })).json()).toMatchObject({ ok: true })
    const admin = await as('admin', 'nexora/admin')
    const cp = await (await nexora.app.request('/audit/checkpoint', { method: 'POST', headers: admin })).json()
    expect(cp.checkpoint.seq).toBeGreaterThan(10)
    audit.events[4]!.actor = 'someone-else'
    expect(await (await nexora.app.request('/audit/verify', { method: 'POST', headers: auditor })).json()).toMatchObject({
      ok: false,
      firstBadSeq: 5,
      reason: 'hash_mismatch',
    })
    expect(await (await nexora.app.request('/audit/verify', post('', { fromSeq: 6 }, auditor))).json()).toMatchObject({ ok: true })
    expect((await nexora.app.request('/audit/checkpoint', { method: 'POST', headers: auditor })).status).toBe(403)
  })
})
