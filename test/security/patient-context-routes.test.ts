import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNexora, ROUTE_POLICIES, type FhirResource, type Nexora, type RoutePolicy } from '../../core/index.ts'
import { patientContextRefusal } from '../../core/security/patient-context.ts'
import { importModels } from '../../bin/demo-models.ts'
import { createDevFhirServer, type DevFhirServer } from '../../devtools/fhir-server/index.ts'
import { jwtAuth } from '../../plugins/auth-jwt/index.ts'
import { cdsHooks } from '../../plugins/cds-hooks/index.ts'
import { phiEndpoints } from '../../plugins/compliance/index.ts'
import { fhirServer } from '../../plugins/fhir/index.ts'
import { fhirPredict } from '../../plugins/fhir-predict/index.ts'
import { grpc, RPC_POLICIES } from '../../plugins/grpc/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { monitoring } from '../../plugins/monitoring/index.ts'
import { oip } from '../../plugins/oip/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { webUi } from '../../plugins/web-ui/index.ts'
import { MONITORING_KEY } from '../../testkit/monitoring.ts'
import { AUDIENCE, ISSUER, makeKey, sign, type TestKey } from '../../testkit/tokens.ts'

/**
 * Every route of a server with every front door, called with a SMART patient-context token that
 * holds `nexora/admin` (so no scope check stands in the way): each one refuses (403, audited) or
 * answers and touches only the launch patient. A route added without a `patientContext` decision,
 * or without a request here, fails this file.
 */

const OWN = 'pt-0002'
const OTHER = 'pt-0003'
/** What would give the other patient away: their id, given name and birth date. */
let otherMarks: string[]
const dir = mkdtempSync(join(tmpdir(), 'nexora-patient-context-'))
let dev: DevFhirServer
let fhir: ServerType
let nexora: Nexora
let key: TestKey
let launched: string
let clinician: string
let policies: Record<string, RoutePolicy>
const ids = { ownEvent: '', otherEvent: '' }

const features = { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true }
const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) })
const adverse = (patient: string) => ({
  type: 'missed-deterioration',
  severity: 'moderate',
  description: 'Readmitted on day 4.',
  model: 'readmission-risk',
  version: '1.0.0',
  patientRef: `Patient/${patient}`,
})

async function call(token: string, method: string, path: string, init: { 'content-type'?: string; body?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, host: 'nexora.test' }
  if (init['content-type']) headers['content-type'] = init['content-type']
  const res = await nexora.app.request(`http://nexora.test${path}`, { method, headers, body: init.body })
  // The server's own request id keys the audit events of this call.
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-request-id') ?? '' }
}

beforeAll(async () => {
  dev = createDevFhirServer({ cohort: { patients: 6, seed: 7 }, staticTokens: ['ehr-token'] })
  const url = await new Promise<string>((resolve) => {
    fhir = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`))
  })
  const other = dev.cohort!.resources.find(
    (r): r is FhirResource & { name: { given: string[] }[]; birthDate: string } => r.resourceType === 'Patient' && r.id === OTHER,
  )!
  otherMarks = [OTHER, other.name[0]!.given[0]!, other.birthDate]
  key = await makeKey('ES384', 'k1')
  nexora = await createNexora({
    plugins: [
      sqlStorage({ url: `file:${join(dir, 'nexora.db')}` }),
      linearModel(),
      jwtAuth({ jwks: { keys: [key.jwk] }, issuers: [ISSUER], audience: AUDIENCE }),
      fhirServer({ baseUrl: url, auth: { type: 'static', token: 'ehr-token' }, retries: 0 }),
      fhirPredict(),
      monitoring({ key: MONITORING_KEY }),
      phiEndpoints({ key: 'deid-test-key-0123456789abcdef' }),
      oip(),
      grpc(),
      cdsHooks({ baseUrl: 'https://cds.nexora.test', clients: [{ iss: 'https://ehr.test', jku: ['https://ehr.test/jwks'] }] }),
      webUi({ files: async () => undefined, signIn: { mode: 'dev', token: async () => 'the-dev-token' } }),
    ],
    // Every refusal audited in full (no flood window), so each one can be found by its request id.
    config: { rateLimits: false, resolveTtlMs: 0, refusalAuditWindowMs: 0 },
  })
  await importModels(nexora)
  policies = { ...ROUTE_POLICIES, ...Object.assign({}, ...nexora.ports.getAll('frontDoor').map((d) => d.policies)) }
  launched = await sign(key, { sub: 'smart-app', scope: 'nexora/admin', patient: OWN })
  clinician = await sign(key, { sub: 'dr-seed', scope: 'nexora/admin' })
  // Both patients have predictions, outcomes and adverse events before the launched app looks.
  for (const patient of [OWN, OTHER]) {
    expect((await call(clinician, 'POST', '/predict', json(predictRow(patient)))).status).toBe(200)
    expect(
      (await call(clinician, 'POST', '/monitoring/outcomes', json({ outcomes: [{ model: 'readmission-risk', patient: `Patient/${patient}`, value: 1 }] })))
        .status,
    ).toBe(200)
  }
  ids.ownEvent = JSON.parse((await call(clinician, 'POST', '/adverse-events', json(adverse(OWN)))).text).id
  ids.otherEvent = JSON.parse((await call(clinician, 'POST', '/adverse-events', json(adverse(OTHER)))).text).id
}, 60_000)

afterAll(async () => {
  await nexora?.close()
  fhir?.close()
  rmSync(dir, { recursive: true, force: true })
})

type Step = { method?: string; path: string; init?: { 'content-type'?: string; body?: string } }
/**
 * Per route, what a launch token must get, pinned here so that a changed decision changes this
 * test too: `refuse` requests must be refused; `own` ones must answer (2xx) with only the launch
 * patient's data and `other` ones (naming another patient) must be refused, on an `own` route;
 * `any` requests may answer, with no other patient's data.
 */
interface Recipe {
  refuse?: Step[]
  own?: Step[]
  other?: Step[]
  any?: Step[]
}
const connect = (body: unknown) => json(body)
/** The Connect JSON form of nexora.v1.PredictionService/Predict. */
const rpcPredict = (patient: string) => ({
  model: 'readmission-risk',
  rows: [
    {
      patientId: `Patient/${patient}`,
      features: Object.fromEntries(
        Object.entries(features).map(([k, v]) => [
          k,
          typeof v === 'number' ? { numberValue: v } : typeof v === 'boolean' ? { boolValue: v } : { stringValue: v },
        ]),
      ),
    },
  ],
})
const predictRow = (patient: string) => ({ model: 'readmission-risk', rows: [{ patientId: `Patient/${patient}`, features }] })
const oipInfer = (patient: string) =>
  json({
    inputs: Object.entries(features).map(([name, v]) => ({
      name,
      shape: [1],
      datatype: typeof v === 'number' ? 'FP64' : typeof v === 'boolean' ? 'BOOL' : 'BYTES',
      data: [v],
    })),
    parameters: { patient_ref: `Patient/${patient}` },
  })

const RECIPES: Record<string, () => Recipe> = {
  'GET /health': () => ({ any: [{ path: '/health' }] }),
  'GET /health/ready': () => ({ any: [{ path: '/health/ready' }] }),
  'GET /health/live': () => ({ any: [{ path: '/health/live' }] }),
  'GET /openapi.json': () => ({ any: [{ path: '/openapi.json' }] }),
  'GET /docs': () => ({ any: [{ path: '/docs' }] }),
  'GET /docs/assets/init.js': () => ({ any: [{ path: '/docs/assets/init.js' }] }),
  'GET /docs/assets/:file': () => ({ any: [{ path: '/docs/assets/swagger-ui.css' }] }),
  'GET /metrics': () => ({ refuse: [{ path: '/metrics' }] }),
  'GET /models': () => ({ any: [{ path: '/models' }] }),
  'GET /models/:name': () => ({ any: [{ path: '/models/readmission-risk' }] }),
  'GET /models/:name/versions/:version': () => ({ any: [{ path: '/models/readmission-risk/versions/1.0.0' }] }),
  'GET /models/:name/source-attributes': () => ({ any: [{ path: '/models/readmission-risk/source-attributes?version=1.0.0' }] }),
  'POST /models/:name/versions/:version/promote': () => ({
    refuse: [{ method: 'POST', path: '/models/readmission-risk/versions/1.0.0/promote', init: json({ stage: 'staging' }) }],
  }),
  'POST /models/:name/versions/:version/archive': () => ({ refuse: [{ method: 'POST', path: '/models/readmission-risk/versions/1.0.0/archive' }] }),
  'GET /models/:name/lifecycle': () => ({ any: [{ path: '/models/readmission-risk/lifecycle' }] }),
  'GET /models/:name/timeline': () => ({ any: [{ path: '/models/readmission-risk/timeline' }] }),
  'POST /models/:name/versions/:version/approve': () => ({
    refuse: [{ method: 'POST', path: '/models/readmission-risk/versions/1.0.0/approve', init: json({ reason: 'looks right' }) }],
  }),
  'POST /models/:name/versions/:version/shadow': () => ({
    refuse: [{ method: 'POST', path: '/models/readmission-risk/versions/1.0.0/shadow', init: json({ enabled: true }) }],
  }),
  'POST /models/:name/versions/:version/canary': () => ({
    refuse: [{ method: 'POST', path: '/models/readmission-risk/versions/1.0.0/canary', init: json({ steps: [10] }) }],
  }),
  'POST /models/:name/canary/advance': () => ({ refuse: [{ method: 'POST', path: '/models/readmission-risk/canary/advance' }] }),
  'POST /models/:name/canary/rollback': () => ({
    refuse: [{ method: 'POST', path: '/models/readmission-risk/canary/rollback', init: json({ reason: 'testing' }) }],
  }),
  'GET /monitoring/compare': () => ({ refuse: [{ path: '/monitoring/compare?model=readmission-risk&challenger=1.0.0' }] }),
  'POST /predict': () => ({
    own: [{ method: 'POST', path: '/predict', init: json(predictRow(OWN)) }],
    other: [{ method: 'POST', path: '/predict', init: json(predictRow(OTHER)) }],
  }),
  'GET /audit/events': () => ({
    own: [{ path: '/audit/events' }, { path: `/audit/events?patient=Patient/${OWN}` }, { path: '/audit/events?format=fhir' }],
    other: [{ path: `/audit/events?patient=Patient/${OTHER}` }, { path: `/audit/events?patient=${OTHER}&format=fhir` }],
  }),
  'GET /audit/report': () => ({ refuse: [{ path: '/audit/report' }] }),
  'POST /audit/verify': () => ({ refuse: [{ method: 'POST', path: '/audit/verify' }] }),
  'POST /audit/checkpoint': () => ({ refuse: [{ method: 'POST', path: '/audit/checkpoint' }] }),
  // Searches that match the other patient (and the launch patient, for the first) answer the launch patient at most.
  'GET /fhir/patients': () => ({
    own: [
      { path: '/fhir/patients?name=Placeholder' },
      { path: `/fhir/patients?name=${otherMarks[1]}` },
      { path: `/fhir/patients?birthdate=${otherMarks[2]!.slice(0, 4)}` },
      { path: '/fhir/patients?name=a' },
    ],
  }),
  'POST /fhir/patient/:id/predict': () => ({
    own: [{ method: 'POST', path: `/fhir/patient/${OWN}/predict`, init: json({ model: 'readmission-fhir', indexTime: '2026-06-01T00:00:00Z' }) }],
    other: [{ method: 'POST', path: `/fhir/patient/${OTHER}/predict`, init: json({ model: 'readmission-fhir', indexTime: '2026-06-01T00:00:00Z' }) }],
  }),
  'POST /monitoring/outcomes': () => ({
    own: [{ method: 'POST', path: '/monitoring/outcomes', init: json({ outcomes: [{ model: 'readmission-risk', patient: OWN, value: 0 }] }) }],
    other: [
      { method: 'POST', path: '/monitoring/outcomes', init: json({ outcomes: [{ model: 'readmission-risk', patient: `Patient/${OTHER}`, value: 0 }] }) },
      {
        method: 'POST',
        path: '/monitoring/outcomes',
        init: json({
          outcomes: [
            { model: 'readmission-risk', patient: OWN, value: 0 },
            { model: 'readmission-risk', patient: OTHER, value: 0 },
          ],
        }),
      },
      { method: 'POST', path: '/monitoring/outcomes', init: json({ outcomes: [{ model: 'readmission-risk', predictionId: 'req-1#0', value: 0 }] }) },
    ],
  }),
  'POST /monitoring/outcomes/pull': () => ({ refuse: [{ method: 'POST', path: '/monitoring/outcomes/pull' }] }),
  'GET /monitoring/performance': () => ({ refuse: [{ path: '/monitoring/performance?model=readmission-risk&bootstrap=0' }] }),
  'GET /monitoring/fairness': () => ({ refuse: [{ path: '/monitoring/fairness?model=readmission-risk&attribute=sex&minGroupSize=1' }] }),
  'GET /monitoring/drift': () => ({ refuse: [{ path: '/monitoring/drift?model=readmission-risk' }] }),
  'GET /monitoring/alerts': () => ({ refuse: [{ path: '/monitoring/alerts' }] }),
  'POST /monitoring/evaluate': () => ({ refuse: [{ method: 'POST', path: '/monitoring/evaluate' }] }),
  'POST /monitoring/recalibrate': () => ({
    refuse: [{ method: 'POST', path: '/monitoring/recalibrate', init: json({ model: 'readmission-risk', version: '1.0.0', method: 'logistic' }) }],
  }),
  'GET /monitoring/overrides': () => ({ refuse: [{ path: '/monitoring/overrides' }] }),
  'GET /monitoring/estimated-performance': () => ({ refuse: [{ path: '/monitoring/estimated-performance?model=readmission-risk' }] }),
  'POST /adverse-events': () => ({
    own: [{ method: 'POST', path: '/adverse-events', init: json(adverse(OWN)) }],
    other: [
      { method: 'POST', path: '/adverse-events', init: json(adverse(OTHER)) },
      { method: 'POST', path: '/adverse-events', init: json({ ...adverse(OWN), patientRef: undefined }) },
    ],
  }),
  'GET /adverse-events': () => ({
    own: [{ path: '/adverse-events' }, { path: `/adverse-events?patient=Patient/${OWN}` }],
    other: [{ path: `/adverse-events?patient=Patient/${OTHER}` }],
  }),
  'GET /adverse-events/:id': () => ({ own: [{ path: `/adverse-events/${ids.ownEvent}` }], other: [{ path: `/adverse-events/${ids.otherEvent}` }] }),
  'PATCH /adverse-events/:id': () => ({
    own: [{ method: 'PATCH', path: `/adverse-events/${ids.ownEvent}`, init: json({ status: 'under-review' }) }],
    other: [{ method: 'PATCH', path: `/adverse-events/${ids.otherEvent}`, init: json({ status: 'dismissed' }) }],
  }),
  'GET /adverse-events/:id/fhir': () => ({
    own: [{ path: `/adverse-events/${ids.ownEvent}/fhir` }],
    other: [{ path: `/adverse-events/${ids.otherEvent}/fhir` }],
  }),
  'POST /phi/detect': () => ({ any: [{ method: 'POST', path: '/phi/detect', init: json({ text: 'Seen on 2026-01-02.' }) }] }),
  'POST /deidentify': () => ({ refuse: [{ method: 'POST', path: '/deidentify', init: json({ text: 'Seen on 2026-01-02.', patientId: OTHER }) }] }),
  'GET /v2/health/live': () => ({ any: [{ path: '/v2/health/live' }] }),
  'GET /v2/health/ready': () => ({ any: [{ path: '/v2/health/ready' }] }),
  'GET /v2': () => ({ any: [{ path: '/v2' }] }),
  'GET /v2/': () => ({ any: [{ path: '/v2/' }] }),
  'GET /v2/models/:name': () => ({ any: [{ path: '/v2/models/readmission-risk' }] }),
  'GET /v2/models/:name/versions/:version': () => ({ any: [{ path: '/v2/models/readmission-risk/versions/1.0.0' }] }),
  'GET /v2/models/:name/ready': () => ({ any: [{ path: '/v2/models/readmission-risk/ready' }] }),
  'GET /v2/models/:name/versions/:version/ready': () => ({ any: [{ path: '/v2/models/readmission-risk/versions/1.0.0/ready' }] }),
  'POST /v2/models/:name/infer': () => ({
    own: [{ method: 'POST', path: '/v2/models/readmission-risk/infer', init: oipInfer(OWN) }],
    other: [{ method: 'POST', path: '/v2/models/readmission-risk/infer', init: oipInfer(OTHER) }],
  }),
  'POST /v2/models/:name/versions/:version/infer': () => ({
    own: [{ method: 'POST', path: '/v2/models/readmission-risk/versions/1.0.0/infer', init: oipInfer(OWN) }],
    other: [{ method: 'POST', path: '/v2/models/readmission-risk/versions/1.0.0/infer', init: oipInfer(OTHER) }],
  }),
  'POST /v2/repository/index': () => ({ any: [{ method: 'POST', path: '/v2/repository/index' }] }),
  'POST /v2/repository/models/:name/load': () => ({ refuse: [{ method: 'POST', path: '/v2/repository/models/readmission-risk/load' }] }),
  'POST /v2/repository/models/:name/unload': () => ({ refuse: [{ method: 'POST', path: '/v2/repository/models/readmission-risk/unload' }] }),
  'GET /v2/models/stats': () => ({ any: [{ path: '/v2/models/stats' }] }),
  'GET /v2/models/:name/stats': () => ({ any: [{ path: '/v2/models/readmission-risk/stats' }] }),
  'GET /v2/models/:name/versions/:version/stats': () => ({ any: [{ path: '/v2/models/readmission-risk/versions/1.0.0/stats' }] }),
  // The gRPC mount is public at this layer; each RPC authenticates itself and scores through the pipeline.
  'POST /nexora.v1.PredictionService/:method': () => ({
    own: [{ method: 'POST', path: '/nexora.v1.PredictionService/Predict', init: connect(rpcPredict(OWN)) }],
    other: [{ method: 'POST', path: '/nexora.v1.PredictionService/Predict', init: connect(rpcPredict(OTHER)) }],
  }),
  'POST /inference.GRPCInferenceService/:method': () => ({
    any: [{ method: 'POST', path: '/inference.GRPCInferenceService/ServerMetadata', init: connect({}) }],
  }),
  'GET /cds-services': () => ({ any: [{ path: '/cds-services' }] }),
  'POST /cds-services/:id': () => ({
    any: [
      {
        method: 'POST',
        path: '/cds-services/readmission-fhir',
        init: json({ hook: 'patient-view', hookInstance: crypto.randomUUID(), context: { userId: 'Practitioner/1', patientId: OTHER } }),
      },
    ],
  }),
  'POST /cds-services/:id/feedback': () => ({ any: [{ method: 'POST', path: '/cds-services/readmission-fhir/feedback', init: json({ feedback: [] }) }] }),
  'GET /': () => ({ any: [{ path: '/' }] }),
  'GET /launch': () => ({ any: [{ path: '/launch' }] }),
  'GET /callback': () => ({ any: [{ path: '/callback' }] }),
  'GET /app/:file{.+}': () => ({ any: [{ path: '/app/main.js' }] }),
  'GET /manifest.webmanifest': () => ({ any: [{ path: '/manifest.webmanifest' }] }),
  'GET /sw.js': () => ({ any: [{ path: '/sw.js' }] }),
  'GET /ui/config': () => ({ any: [{ path: '/ui/config' }] }),
  'GET /ui/dev-token': () => ({ any: [{ path: '/ui/dev-token' }] }),
}

const reveals = (text: string) => otherMarks.some((m) => text.includes(m))
async function deniedFor(requestId: string) {
  const { events } = await nexora.audit.queryLogs('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', { requestId })
  return events.filter((e) => e.outcome === 'denied' || (e.action === 'predict.response' && e.outcome === 'failure')).map((e) => e.reason)
}

describe('a SMART patient-context token on every route', () => {
  it('every authenticated route states what a patient-context token may do there (fail closed for new routes)', () => {
    const undecided = Object.entries({ ...policies, ...RPC_POLICIES })
      .filter(([route, p]) => p.access !== 'public' && p.patientContext === undefined)
      .map(([route]) => route)
    expect(undecided).toEqual([])
    // A route left undecided is refused at run time.
    expect(patientContextRefusal({ access: 'public', rate: 'public', audit: 'handler' }, { patient: OWN }, () => undefined)).toMatch(/may not use this route/)
  })

  it('every route in the table and in /openapi.json has a request in this walk', async () => {
    const doc = (await (await nexora.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    expect(documented.filter((r) => !policies[r])).toEqual([])
    expect(Object.keys(policies).filter((r) => !RECIPES[r])).toEqual([])
  })

  it('refuses (403, audited) or answers with only the launch patient, route by route', async () => {
    const failures: string[] = []
    for (const [route, policy] of Object.entries(policies)) {
      const rule: string = policy.access === 'public' ? 'any' : (policy.patientContext ?? 'refuse')
      const recipe = RECIPES[route]!()
      const expected = recipe.refuse ? 'refuse' : recipe.own || recipe.other ? 'own' : 'any'
      // A public route has no caller to limit: the pipeline behind it (gRPC) is what must refuse.
      if (policy.access !== 'public' && policy.patientContext !== undefined && rule !== expected)
        failures.push(`${route}: declared ${rule}, expected ${expected}`)
      const steps = [...(recipe.refuse ?? []), ...(recipe.any ?? []), ...(recipe.own ?? []), ...(recipe.other ?? [])]
      for (const step of steps) {
        const res = await call(launched, step.method ?? 'GET', step.path, step.init)
        const kind = recipe.other?.includes(step) ? 'other' : recipe.own?.includes(step) ? 'own' : recipe.refuse?.includes(step) ? 'refuse' : 'any'
        const where = `${route} (${kind} ${step.method ?? 'GET'} ${step.path})`
        if (reveals(res.text)) failures.push(`${where}: answered another patient's data`)
        const refused = res.status === 403
        if (kind === 'refuse' || kind === 'other') {
          if (!refused) {
            failures.push(`${where}: ${res.status}, expected 403`)
            continue
          }
          const reasons = await deniedFor(res.requestId)
          if (!reasons.some((r) => r === 'patient_context' || r === 'auth.forbidden'))
            failures.push(`${where}: refusal not audited (${reasons.join() || 'nothing'})`)
        } else if (kind === 'own' && (res.status < 200 || res.status > 299)) failures.push(`${where}: ${res.status} for the launch patient`)
        else if (refused && (await deniedFor(res.requestId)).includes('patient_context')) failures.push(`${where}: refused though the route allows it`)
      }
    }
    expect(failures).toEqual([])
  }, 120_000)

  it('writes nothing about another patient, and lists only the launch patient', async () => {
    const all = JSON.parse((await call(clinician, 'GET', '/adverse-events?limit=500')).text).events as { patientRef: string; status: string; id: string }[]
    expect(all.filter((e) => e.patientRef === `Patient/${OTHER}`).map((e) => [e.id, e.status])).toEqual([[ids.otherEvent, 'reported']])
    const listed = JSON.parse((await call(launched, 'GET', '/adverse-events')).text).events as { patientRef: string }[]
    expect(listed.length).toBeGreaterThan(0)
    expect(new Set(listed.map((e) => e.patientRef))).toEqual(new Set([`Patient/${OWN}`]))
    const trail = JSON.parse((await call(launched, 'GET', '/audit/events?limit=1000')).text).events as { patientRef: string | null }[]
    expect(trail.length).toBeGreaterThan(0)
    expect(new Set(trail.map((e) => e.patientRef))).toEqual(new Set([`Patient/${OWN}`]))
    const found = JSON.parse((await call(launched, 'GET', '/fhir/patients?name=Placeholder')).text).patients as { id: string }[]
    expect(found.map((p) => p.id)).toEqual([OWN])
    // A clinician's same search finds three: the filter is the token's, not the data's.
    expect((JSON.parse((await call(clinician, 'GET', '/fhir/patients?name=Placeholder')).text).patients as { id: string }[]).map((p) => p.id)).toEqual([
      'pt-0002',
      'pt-0003',
      'pt-0004',
    ])
  })
})
