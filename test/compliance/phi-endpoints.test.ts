import { beforeAll, describe, expect, it } from 'vitest'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { phiEndpoints, phiGuard, PREDICT_TEXTS } from '../../plugins/compliance/index.ts'
import { post, toyNexora } from '../../testkit/nexora.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES384', 'k1')
})
const NOTE = 'Pt John Smith (MRN: 4471920) seen 03/14/2021, call 617-555-0199 or jsmith@example.com.'
const DEID_KEY = 'a'.repeat(64)

async function secured(extra = [phiEndpoints({ key: DEID_KEY })]) {
  return toyNexora({}, [], [jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE }), ...extra])
}
const deidScope = async () => ({ authorization: `Bearer ${await sign(key, { scope: 'nexora/deid', sub: 'privacy-officer' })}` })

describe('POST /phi/detect and POST /deidentify', () => {
  it('detects PHI spans in text, and audits counts by type, never the text', async () => {
    const { nexora, audit } = await secured()
    const res = await nexora.app.request('/phi/detect', post('', { text: NOTE }, await deidScope()))
    expect(res.status).toBe(200)
    const body = await res.json()
    const types = body.entities.map((e: { type: string }) => e.type)
    expect(types).toEqual(expect.arrayContaining(['NAME', 'MRN', 'DATE', 'PHONE', 'EMAIL']))
    for (const e of body.entities) expect(NOTE.slice(e.start, e.end).length).toBeGreaterThan(0)
    const event = audit.events.find((e) => e.action === 'phi.detect')!
    expect(event).toMatchObject({ actor: 'privacy-officer', context: { input: 'text', counts: body.counts } })
    expect(JSON.stringify(audit.events)).not.toMatch(/Smith|4471920|617-555|jsmith/)
  })

  it('takes a detector mode: recall by default, precision on request; an unknown mode is a 400', async () => {
    const { nexora } = await secured()
    const text = 'ambulating with Okonkwo in hallway'
    const found = async (mode?: string) => nexora.app.request('/phi/detect', post('', { text, ...(mode ? { mode } : {}) }, await deidScope()))
    expect((await (await found()).json()).entities.map((e: { start: number; end: number }) => text.slice(e.start, e.end))).toEqual(['Okonkwo'])
    expect((await (await found('precision')).json()).entities).toEqual([])
    const bad = await found('strict')
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
  })

  it('finds PHI in a FHIR resource by element path', async () => {
    const { nexora } = await secured()
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Smith', given: ['John'] }],
      birthDate: '1950-03-14',
      telecom: [{ system: 'phone', value: '617-555-0199' }],
    }
    const body = await (await nexora.app.request('/phi/detect', post('', { resource: patient }, await deidScope()))).json()
    expect(body.findings.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['Patient.birthDate']))
    expect(body.findings.some((f: { path: string; type: string }) => f.path.startsWith('Patient.name') && f.type === 'NAME')).toBe(true)
  })

  it('de-identifies text with stable pseudonyms and audits the counts', async () => {
    const { nexora, audit } = await secured()
    const call = async () =>
      (
        await nexora.app.request(
          '/deidentify',
          post('', { text: NOTE, patientId: 'p1', operators: { NAME: 'pseudonymize', EMAIL: 'replace' } }, await deidScope()),
        )
      ).json()
    const [a, b] = [await call(), await call()]
    expect(a.text).toBe(b.text)
    expect(a.text).not.toMatch(/John Smith|4471920|617-555-0199|jsmith@example\.com/)
    expect(a.text).toContain('[EMAIL]')
    expect(a.counts.NAME).toBeGreaterThanOrEqual(1)
    expect(audit.events.filter((e) => e.action === 'deid.apply')).toHaveLength(2)
  })

  it('de-identifies a Bundle with consistent references, labelled REDACTED', async () => {
    const { nexora } = await secured()
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: 'Patient/p1', resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Smith', given: ['John'] }], birthDate: '1950-03-14' } },
        {
          fullUrl: 'Observation/o1',
          resource: {
            resourceType: 'Observation',
            id: 'o1',
            status: 'final',
            code: { text: 'HbA1c' },
            subject: { reference: 'Patient/p1' },
            effectiveDateTime: '2021-03-14',
            note: [{ text: 'John Smith feels well' }],
          },
        },
      ],
    }
    const out = (await (await nexora.app.request('/deidentify', post('', { resource: bundle }, await deidScope()))).json()).resource
    const [patient, obs] = out.entry.map((e: { resource: Record<string, any> }) => e.resource)
    expect(obs.subject.reference).toBe(`Patient/${patient.id}`)
    expect(patient.id).not.toBe('p1')
    expect(JSON.stringify(out)).not.toMatch(/Smith|1950-03-14/)
    expect(patient.meta.security).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'REDACTED' })]))
  })

  it('needs nexora/deid, validates the body, and answers 503 without a key', async () => {
    const { nexora } = await secured()
    const noScope = await nexora.app.request(
      '/phi/detect',
      post('', { text: NOTE }, { authorization: `Bearer ${await sign(key, { scope: 'nexora/predict' })}` }),
    )
    expect(noScope.status).toBe(403)
    const both = await nexora.app.request('/phi/detect', post('', { text: 'x', resource: { resourceType: 'Patient' } }, await deidScope()))
    expect(both.status).toBe(400)
    const keyless = await secured([phiEndpoints()])
    expect((await keyless.nexora.app.request('/deidentify', post('', { text: NOTE }, await deidScope()))).status).toBe(503)
  })
})

describe('phi-guard stage', () => {
  it('rejects a free-text feature carrying PHI with counts only, and lets clean text through', async () => {
    const { nexora } = await toyNexora({}, [], [phiGuard({ routes: { predict: { texts: PREDICT_TEXTS, action: 'reject' } } })])
    const { toyManifest, toyFiles } = await import('../../testkit/models.ts')
    await nexora.registry.register(
      toyManifest('2.0.0', {
        inputs: [
          { name: 'age', type: 'number' },
          { name: 'comment', type: 'category', required: false },
        ],
      }),
      toyFiles(),
    )
    const leaky = await nexora.app.request(
      '/predict',
      post('', { model: 'toy', version: '2.0.0', rows: [{ features: { age: 50, comment: 'call John Smith at 617-555-0199' } }] }),
    )
    expect(leaky.status).toBe(422)
    const problem = await leaky.json()
    expect(problem.code).toBe('phi.detected')
    expect(JSON.stringify(problem)).not.toMatch(/John|Smith|617/)
    const clean = await nexora.app.request(
      '/predict',
      post('', { model: 'toy', version: '2.0.0', rows: [{ features: { age: 50, comment: 'stable overnight' } }] }),
    )
    expect(clean.status).toBe(200)
  })

  it('warns instead when configured to, with counts in the log and no text', async () => {
    const { nexora, logs } = await toyNexora({}, [], [phiGuard()])
    const { toyManifest, toyFiles } = await import('../../testkit/models.ts')
    await nexora.registry.register(
      toyManifest('2.0.0', {
        inputs: [
          { name: 'age', type: 'number' },
          { name: 'comment', type: 'category', required: false },
        ],
      }),
      toyFiles(),
    )
    const res = await nexora.app.request(
      '/predict',
      post('', { model: 'toy', version: '2.0.0', rows: [{ features: { age: 50, comment: 'call John Smith at 617-555-0199' } }] }),
    )
    expect(res.status).toBe(200)
    const warning = logs.map((l) => JSON.parse(l)).find((l) => l.event === 'phi.detected')
    expect(warning).toMatchObject({ route: 'predict' })
    expect(logs.join('\n')).not.toMatch(/John|Smith|617-555/)
  })
})
