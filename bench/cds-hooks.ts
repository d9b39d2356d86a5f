/**
 * CDS Hooks latency: a `patient-view` call with full prefetch on the demo FHIR model (client
 * JWT verified per call, the prefetched Bundles parsed and run through the feature spec, the
 * pipeline with both audit events committed to a libSQL file, the card built), one call at a
 * time, against the baseline of a plain `POST /predict` of the same patient's row (bearer JWT,
 * the same pipeline and explanation) in the same run, the two interleaved so machine drift
 * hits both. In-process (`nexora.fetch`), so no socket time on either side. Target: p99 < 50 ms.
 * Then 32 calls at once: CDS Hooks, the FHIR front door (`POST /fhir/patient/{id}/predict`,
 * reading the same dev FHIR server in process) and /predict, each p99 against /predict's.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { createNexora, type Nexora } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { createDevFhirServer } from '../devtools/fhir-server/index.ts'
import { jwtAuth } from '../plugins/auth-jwt/index.ts'
import { cdsHooks, instantiate } from '../plugins/cds-hooks/index.ts'
import { fhirServer } from '../plugins/fhir/index.ts'
import { fhirPredict } from '../plugins/fhir-predict/index.ts'
import { ClinicalETL } from '../plugins/etl/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'
import { makeKey, sign, type TestKey } from '../testkit/tokens.ts'

const CALLS = Number(process.env.BENCH_CDS_CALLS ?? 500)
const WARM_UP = 50
const CONCURRENCY = 32
const PATIENTS = 20
const BASE = 'https://cds.bench.test'
const EHR = 'https://ehr.bench.test'
const JKU = `${EHR}/jwks.json`
const API_ISSUER = 'https://idp.bench.test'
const SERVICE = '/cds-services/readmission-fhir'
const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest())

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!
const figures = (xs: number[]) => ({ n: xs.length, p50: Number(quantile(xs, 0.5).toFixed(2)), p99: Number(quantile(xs, 0.99).toFixed(2)) })

/** A CDS Client JWT: single use (fresh jti), so every call pays a signature check. */
async function cdsToken(key: TestKey, path: string) {
  const t = Math.floor(Date.now() / 1000)
  return new SignJWT({ iss: EHR, aud: `${BASE}${path}`, iat: t, exp: t + 300, jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid, jku: JKU })
    .sign(key.privateKey)
}

/** Per patient: the hook request with everything the templates ask for (as an EHR would prefetch it), and the /predict body of the same row. */
async function workload(nexora: Nexora, ehr: ReturnType<typeof createDevFhirServer>, templates: Record<string, string>) {
  const etl = new ClinicalETL((await nexora.registry.resolve('readmission-fhir')).manifest.featureSpec)
  const now = Date.now()
  const out: { hook: string; predict: string }[] = []
  for (let i = 1; i <= PATIENTS; i++) {
    const patientId = `pt-${String(i).padStart(4, '0')}`
    const prefetch: Record<string, { resourceType: string; entry?: { resource: unknown }[] }> = {}
    for (const [key, template] of Object.entries(templates)) {
      const url = instantiate(template, { patientId }, now)!
      prefetch[key] = await (await ehr.app.fetch(new Request(`${EHR}/${url}${url.includes('?') ? '&_count=500' : ''}`))).json()
    }
    const resources = Object.values(prefetch).flatMap((v) => (v.resourceType === 'Bundle' ? (v.entry ?? []).map((e) => e.resource) : [v]))
    const [record] = etl.fromBundle({ entry: structuredClone(resources).map((resource) => ({ resource })) as never })
    const features = Object.fromEntries(Object.entries(etl.transform(record!, { now }).features).filter(([, v]) => v !== null))
    out.push({
      hook: JSON.stringify({ hook: 'patient-view', hookInstance: crypto.randomUUID(), context: { userId: 'Practitioner/bench', patientId }, prefetch }),
      predict: JSON.stringify({ model: 'readmission-fhir', explain: true, rows: [{ patientRef: `Patient/${patientId}`, features }] }),
    })
  }
  return out
}

export async function cdsHooksBench() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-cds-bench-'))
  const [ehrKey, apiKey] = await Promise.all([makeKey('ES384', 'ehr-1'), makeKey('ES384', 'api-1')])
  const jwks: typeof fetch = async (input) =>
    String(input instanceof Request ? input.url : input) === JKU ? Response.json({ keys: [ehrKey.jwk] }) : new Response(null, { status: 599 })
  const ehr = createDevFhirServer({ cohort: { patients: PATIENTS, seed: 7 } })
  const nexora = await createNexora({
    plugins: [
      // The FHIR front door reads the same dev server, in process (no socket on either side, as for the hooks).
      fhirServer({ baseUrl: EHR, fetch: async (input, init) => ehr.app.fetch(new Request(input, init)) }),
      fhirPredict(),
      sqlStorage({ url: `file:${join(dir, 'bench.db')}`, sha256 }),
      linearModel(),
      jwtAuth({ jwks: { keys: [apiKey.jwk] }, issuers: [API_ISSUER], audience: 'nexora-bench' }),
      cdsHooks({ baseUrl: BASE, clients: [{ iss: EHR, jku: [JKU] }], fetch: jwks }),
    ],
    config: { sha256, scheduleCommit: setImmediate, rateLimits: false, bodyLimitBytes: 16 * 1024 * 1024 },
  })
  try {
    await importModels(nexora)
    const discovery = await nexora.fetch(
      new Request(`${BASE}/cds-services`, { headers: { authorization: `Bearer ${await cdsToken(ehrKey, '/cds-services')}` } }),
    )
    const patients = await workload(nexora, ehr, ((await discovery.json()) as { services: { prefetch: Record<string, string> }[] }).services[0]!.prefetch)
    const apiToken = await sign(apiKey, { iss: API_ISSUER, aud: 'nexora-bench' })
    const tokens = await Promise.all(Array.from({ length: WARM_UP + 2 * CALLS }, () => cdsToken(ehrKey, SERVICE)))

    const timed = async (path: string, bearer: string, body: string) => {
      const started = performance.now()
      const res = await nexora.fetch(
        new Request(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body }),
      )
      const text = await res.text()
      const elapsed = performance.now() - started
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`)
      return { elapsed, text }
    }
    const cds: number[] = []
    const withCard: number[] = []
    const predict: number[] = []
    for (let i = 0; i < WARM_UP + CALLS; i++) {
      const p = patients[i % PATIENTS]!
      const call = await timed(SERVICE, tokens[i]!, p.hook)
      const baseline = await timed('/predict', apiToken, p.predict)
      if (i < WARM_UP) continue // JIT, model cache, WAL
      cds.push(call.elapsed)
      if ((JSON.parse(call.text) as { cards: unknown[] }).cards.length) withCard.push(call.elapsed)
      predict.push(baseline.elapsed)
    }
    // Then 32 at once, as an EHR's busy hour sends them: each kind on its own, the calls' latencies pooled.
    const concurrently = async (calls: (i: number) => Promise<{ elapsed: number }>) => {
      const out: number[] = []
      let next = 0
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) out.push((await calls(next++)).elapsed)
        }),
      )
      return out
    }
    const fhirBody = JSON.stringify({ model: 'readmission-fhir', explain: true })
    const fhirPath = (i: number) => `/fhir/patient/pt-${String(i + 1).padStart(4, '0')}/predict`
    // The door refuses (422) a patient who died before the index time: score the living ones.
    const living: string[] = []
    for (let i = 0; i < PATIENTS; i++) if ((await timed(fhirPath(i), apiToken, fhirBody).catch(() => undefined)) !== undefined) living.push(fhirPath(i))
    const fhirDoor = (i: number) => timed(living[i % living.length]!, apiToken, fhirBody)
    for (let i = 0; i < WARM_UP; i++) await fhirDoor(i)
    const under = {
      cdsHooks: figures(await concurrently((i) => timed(SERVICE, tokens[WARM_UP + CALLS + i]!, patients[i % PATIENTS]!.hook))),
      fhirPredict: figures(await concurrently(fhirDoor)),
      predict: figures(await concurrently((i) => timed('/predict', apiToken, patients[i % PATIENTS]!.predict))),
    }
    return {
      calls: CALLS,
      patients: PATIENTS,
      prefetchKbMedian: Math.round(
        quantile(
          patients.map((p) => p.hook.length / 1024),
          0.5,
        ),
      ),
      cdsHooks: figures(cds),
      cdsHooksCallsWithACard: figures(withCard),
      predict: figures(predict),
      ratioP50: Number((quantile(cds, 0.5) / quantile(predict, 0.5)).toFixed(3)),
      ratioP99: Number((quantile(cds, 0.99) / quantile(predict, 0.99)).toFixed(3)),
      target: { p99Ms: 50 },
      meetsTarget: quantile(cds, 0.99) < 50,
      concurrent32: {
        ...under,
        cdsHooksP99VsPredict: Number((under.cdsHooks.p99 / under.predict.p99).toFixed(3)),
        fhirPredictP99VsPredict: Number((under.fhirPredict.p99 / under.predict.p99).toFixed(3)),
      },
    }
  } finally {
    await nexora.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

// `node --import tsx bench/cds-hooks.ts` runs it on its own.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify({ bench: 'cds-hooks', ...(await cdsHooksBench()) }))
